// A component's fields, shared by [[component]] (v1), [component.<id>] (v2)
// and inline components of v2 triggers.
#include <array>
#include <system_error>

#include "app/allowed_hosts.h"
#include "app/glob.h"
#include "app/ids.h"
#include "app/manifest_internal.h"
#include "app/template.h"

namespace spindle::app::internal {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 14> kKeysV1 = {
    "id", "source", "trigger", "description", "config", "environment", "files", "exclude_files",
    "allowed_http_hosts", "allowed_outbound_hosts", "key_value_stores", "sqlite_databases",
    "ai_models", "build"};

constexpr std::array<std::string_view, 15> kKeysV2 = {
    "source", "description", "variables", "environment", "files", "exclude_files",
    "allowed_http_hosts", "allowed_outbound_hosts", "key_value_stores", "sqlite_databases",
    "ai_models", "build", "tool", "dependencies_inherit_configuration", "dependencies"};

// True if `relative` (as written in the manifest) leaves the app root.
bool EscapesRoot(const fs::path& relative) {
  if (relative.is_absolute()) return true;
  const fs::path normal = relative.lexically_normal();
  return !normal.empty() && *normal.begin() == "..";
}

Status ReadSource(const TableReader& table, Component* out) {
  const toml::node* node = table.Find("source");
  if (!node) return table.Missing("source");
  if (const toml::table* remote = node->as_table()) {
    if (remote->contains("url")) {
      return table.Fail(table.At(*node), "component '" + out->id +
                                             "': remote sources ({ url, digest }) are not "
                                             "supported yet; download the file and give its path");
    }
    if (remote->contains("package")) {
      return table.Fail(table.At(*node), "component '" + out->id +
                                             "': registry sources ({ package, version }) are not "
                                             "supported yet");
    }
    return table.Fail(table.At(*node), "'source' in " + table.name() +
                                           " must be a file path or { url, digest }");
  }
  LocatedString source;
  SPINDLE_TRY(table.ReadLocatedString("source", &source, true));
  out->source = (table.context().root() / source.value).lexically_normal();
  std::error_code error;
  const fs::file_status status = fs::status(out->source, error);
  if (!fs::exists(status)) {
    return table.Fail(source.where, "component '" + out->id + "': source file '" + source.value +
                                        "' does not exist (looked for " + out->source.string() +
                                        ")");
  }
  if (fs::is_directory(status)) {
    return table.Fail(source.where, "component '" + out->id + "': source '" + source.value +
                                        "' is a directory, not a .wasm file");
  }
  return Ok();
}

Status ReadFiles(const TableReader& table, Component* out) {
  const toml::node* node = table.Find("files");
  if (!node) return Ok();
  const toml::array* array = node->as_array();
  if (!array) return table.WrongType("files", *node, "an array");
  const fs::path& root = table.context().root();
  for (const toml::node& item : *array) {
    FilesEntry entry;
    entry.where = table.At(item);
    if (const auto* pattern = item.as_string()) {
      entry.kind = FilesEntry::Kind::kPattern;
      entry.pattern = pattern->get();
      if (entry.pattern.empty()) return table.Fail(entry.where, "empty 'files' entry");
      if (EscapesRoot(entry.pattern)) {
        return table.Fail(entry.where, "files entry '" + entry.pattern +
                                           "' is outside the application directory");
      }
    } else if (const toml::table* mapping = item.as_table()) {
      const TableReader reader(table.context(), *mapping, "a 'files' entry of " + table.name());
      SPINDLE_TRY(reader.AllowOnly({"source", "destination"}));
      LocatedString source, destination;
      SPINDLE_TRY(reader.ReadLocatedString("source", &source, true));
      SPINDLE_TRY(reader.ReadLocatedString("destination", &destination, true));
      if (EscapesRoot(source.value)) {
        return table.Fail(source.where, "files source '" + source.value +
                                            "' is outside the application directory");
      }
      const fs::path guest = fs::path(destination.value).relative_path().lexically_normal();
      if (!guest.empty() && *guest.begin() == "..") {
        return table.Fail(destination.where,
                          "files destination '" + destination.value + "' leaves '/'");
      }
      entry.kind = FilesEntry::Kind::kMapping;
      entry.source = (root / source.value).lexically_normal();
      std::string normal = "/" + guest.generic_string();
      if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
      if (normal == "/.") normal = "/";
      entry.destination = normal;
    } else {
      return table.Fail(entry.where, "'files' in " + table.name() +
                                         " must hold paths or { source, destination } tables, "
                                         "not " + DescribeType(item));
    }
    out->files.push_back(std::move(entry));
  }
  return Ok();
}

Status ReadOutboundHosts(const TableReader& table, int version,
                         const std::vector<Variable>& variables, Component* out) {
  std::vector<LocatedString> outbound;
  SPINDLE_TRY(table.ReadLocatedStrings("allowed_outbound_hosts", &outbound));
  out->allowed_outbound_hosts_where = table.where();
  if (const toml::node* node = table.Find("allowed_http_hosts")) {
    out->allowed_outbound_hosts_where = table.At(*node);
  }
  if (const toml::node* node = table.Find("allowed_outbound_hosts")) {
    out->allowed_outbound_hosts_where = table.At(*node);
  }
  for (const LocatedString& entry : outbound) {
    if (HasTemplate(entry.value)) {
      SPINDLE_TRY(CheckTemplate(entry, variables));
    } else if (Status valid = ValidateOutboundHost(entry.value); !valid.ok()) {
      return table.Fail(entry.where, "invalid allowed_outbound_hosts entry \"" + entry.value +
                                         "\": " + valid.error().message);
    }
    out->allowed_outbound_hosts.push_back(entry.value);
  }
  // Spin 1 let every component reach any database before the key existed.
  if (version == 1 && !table.Find("allowed_outbound_hosts")) {
    out->allowed_outbound_hosts = LegacyDatabaseHosts();
  }
  std::vector<LocatedString> http;
  SPINDLE_TRY(table.ReadLocatedStrings("allowed_http_hosts", &http));
  std::vector<std::string> plain;
  for (const LocatedString& entry : http) plain.push_back(entry.value);
  size_t bad = 0;
  Result<std::vector<std::string>> converted = ConvertAllowedHttpHosts(plain, &bad);
  if (!converted.ok()) {
    return table.Fail(http[bad].where, "invalid allowed_http_hosts entry: " +
                                           converted.error().message);
  }
  for (std::string& host : *converted) out->allowed_outbound_hosts.push_back(std::move(host));
  return Ok();
}

Status ReadLabels(const TableReader& table, std::string_view key, int version,
                  std::vector<std::string>* out) {
  std::vector<LocatedString> labels;
  SPINDLE_TRY(table.ReadLocatedStrings(key, &labels));
  for (const LocatedString& label : labels) {
    if (version == 2 && !IsKebabOrSnakeId(label.value)) {
      return table.Fail(label.where, "invalid " + std::string(key) + " label '" + label.value +
                                         "': expected kebab-case or snake_case");
    }
    out->push_back(label.value);
  }
  return Ok();
}

Status ReadAiModels(const TableReader& table, Component* out) {
  std::vector<LocatedString> models;
  SPINDLE_TRY(table.ReadLocatedStrings("ai_models", &models));
  for (const LocatedString& model : models) {
    if (const std::string reason = CheckKebabId(model.value); !reason.empty()) {
      return table.Fail(model.where, "invalid ai_models entry '" + model.value + "': " + reason);
    }
    out->ai_models.push_back(model.value);
  }
  return Ok();
}

Status ReadComponentVariables(const TableReader& table, std::string_view key,
                              const std::vector<Variable>& variables, Component* out) {
  std::vector<LocatedPair> pairs;
  SPINDLE_TRY(table.ReadStringTable(key, &pairs));
  for (const LocatedPair& pair : pairs) {
    if (const std::string reason = CheckLowerSnakeId(pair.key); !reason.empty()) {
      return table.Fail(pair.key_where, "invalid " + std::string(key) + " name '" + pair.key +
                                            "': " + reason);
    }
    SPINDLE_TRY(CheckTemplate({pair.value, pair.value_where}, variables));
    out->variables[pair.key] = pair.value;
  }
  return Ok();
}

Status ReadBuild(const TableReader& table, Component* out) {
  const toml::table* build_table = nullptr;
  SPINDLE_TRY(table.ReadTable("build", &build_table));
  if (!build_table) return Ok();
  const TableReader reader(table.context(), *build_table, "the build of " + table.name());
  SPINDLE_TRY(reader.AllowOnly({"command", "workdir", "watch"}));
  BuildConfig build;
  const toml::node* command = reader.Find("command");
  if (!command) return reader.Missing("command");
  if (command->is_string()) {
    build.command.push_back(command->as_string()->get());
  } else if (command->is_array()) {
    SPINDLE_TRY(reader.ReadStrings("command", &build.command));
  } else {
    return reader.WrongType("command", *command, "a string or an array of strings");
  }
  std::string workdir;
  SPINDLE_TRY(reader.ReadString("workdir", &workdir));
  build.workdir = table.context().root();
  if (!workdir.empty()) build.workdir = (build.workdir / workdir).lexically_normal();
  SPINDLE_TRY(reader.ReadStrings("watch", &build.watch));
  out->build = std::move(build);
  return Ok();
}

Status ReadV2Extras(const TableReader& table) {
  const toml::table* tool = nullptr;
  SPINDLE_TRY(table.ReadTable("tool", &tool));  // settings for other tools; ignored
  bool inherit = false;
  SPINDLE_TRY(table.ReadBool("dependencies_inherit_configuration", &inherit));
  const toml::table* dependencies = nullptr;
  SPINDLE_TRY(table.ReadTable("dependencies", &dependencies));
  if (dependencies && !dependencies->empty()) {
    return table.Fail(table.At(*dependencies), "component dependencies are not supported yet");
  }
  return Ok();
}

}  // namespace

std::span<const std::string_view> ComponentKeysV1() { return kKeysV1; }
std::span<const std::string_view> ComponentKeysV2() { return kKeysV2; }

Status ReadComponent(const TableReader& table, int version, const std::vector<Variable>& variables,
                     Component* out) {
  out->where = table.where();
  SPINDLE_TRY(ReadSource(table, out));
  SPINDLE_TRY(table.ReadString("description", &out->description));
  SPINDLE_TRY(ReadComponentVariables(table, version == 1 ? "config" : "variables", variables, out));
  std::vector<LocatedPair> environment;
  SPINDLE_TRY(table.ReadStringTable("environment", &environment));
  for (const LocatedPair& pair : environment) out->environment[pair.key] = pair.value;
  SPINDLE_TRY(ReadFiles(table, out));
  std::vector<LocatedString> excludes;
  SPINDLE_TRY(table.ReadLocatedStrings("exclude_files", &excludes));
  for (const LocatedString& exclude : excludes) {
    if (Status valid = ValidateGlob(exclude.value); !valid.ok()) {
      return table.Fail(exclude.where, "invalid exclude_files pattern '" + exclude.value +
                                           "': " + valid.error().message);
    }
    out->exclude_files.push_back(exclude.value);
  }
  SPINDLE_TRY(ReadOutboundHosts(table, version, variables, out));
  SPINDLE_TRY(ReadLabels(table, "key_value_stores", version, &out->key_value_stores));
  SPINDLE_TRY(ReadLabels(table, "sqlite_databases", version, &out->sqlite_databases));
  SPINDLE_TRY(ReadAiModels(table, out));
  SPINDLE_TRY(ReadBuild(table, out));
  if (version == 2) SPINDLE_TRY(ReadV2Extras(table));
  return Ok();
}

}  // namespace spindle::app::internal
