// The application model: what a spin.toml (v1 or v2) describes, normalized
// to one shape with every path resolved and every trigger bound to a
// component. Plain data: no engine types, no I/O after loading.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spindle::app {

// Where something was written in the manifest, for error messages.
struct SourcePosition {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown

  // "spin.toml:12:3" (or "spin.toml" when the position is unknown).
  std::string ToString() const;
};

struct Variable {
  std::string name;
  std::optional<std::string> default_value;
  bool required = false;
  bool secret = false;
  SourcePosition where;
};

// One entry of a component's `files`: a path or glob relative to the app
// root (copied to the same relative path), or a source -> destination
// mapping (a directory's tree under `destination`, or a file at exactly
// `destination`).
struct FilesEntry {
  enum class Kind { kPattern, kMapping };
  Kind kind = Kind::kPattern;
  std::string pattern;                // kPattern: as written
  std::filesystem::path source;       // kMapping: absolute host path
  std::string destination;            // kMapping: absolute guest path
  SourcePosition where;
};

struct BuildConfig {
  std::vector<std::string> command;   // one shell command line per entry
  std::filesystem::path workdir;      // absolute; defaults to the app root
  std::vector<std::string> watch;
};

struct Component {
  std::string id;
  std::string description;
  std::filesystem::path source;       // absolute path of the .wasm
  std::vector<FilesEntry> files;
  std::vector<std::string> exclude_files;  // globs relative to the app root
  std::map<std::string, std::string> environment;
  // Normalized `scheme://host[:port]` entries (allowed_http_hosts converted;
  // `{{ var }}` templates still unresolved).
  std::vector<std::string> allowed_outbound_hosts;
  // Where `allowed_outbound_hosts` (else `allowed_http_hosts`) was written;
  // the component's own position when neither was. Named in denials.
  SourcePosition allowed_outbound_hosts_where;
  std::vector<std::string> key_value_stores;
  std::vector<std::string> sqlite_databases;
  std::vector<std::string> ai_models;
  std::map<std::string, std::string> variables;  // v1 `config`: templates
  std::optional<BuildConfig> build;
  SourcePosition where;
};

struct HttpExecutor {
  enum class Kind { kSpin, kWagi };
  Kind kind = Kind::kSpin;
  std::string argv = "${SCRIPT_NAME} ${ARGS}";  // WAGI only
  std::string entrypoint = "_start";            // WAGI only
};

struct HttpTrigger {
  std::string id;
  std::string component;   // a Component::id
  std::string route;       // as written, e.g. "/users/:id/..." ; empty when private
  bool is_private = false;
  HttpExecutor executor;
  SourcePosition where;
};

struct RedisTrigger {
  std::string id;
  std::string component;
  std::string channel;     // may contain {{ var }} templates
  std::string address;     // the trigger's, else the application's
  SourcePosition where;
};

struct App {
  std::filesystem::path manifest_path;  // absolute
  std::filesystem::path root;           // the manifest's directory
  int manifest_version = 2;             // 1 or 2, as written
  std::string name;
  std::string version;
  std::string description;
  std::vector<std::string> authors;
  std::string http_base = "/";          // v1 `trigger.base`; routes are relative to it
  std::string redis_address;            // application-level default address
  std::vector<Variable> variables;
  std::vector<Component> components;
  std::vector<HttpTrigger> http_triggers;
  std::vector<RedisTrigger> redis_triggers;

  const Component* FindComponent(const std::string& id) const;
};

}  // namespace spindle::app
