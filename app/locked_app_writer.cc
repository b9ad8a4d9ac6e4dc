// LockApp: App -> Spin's LockedApp JSON with content named by digest.
#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/base64.h"
#include "app/files.h"
#include "app/locked_app.h"

namespace spindle::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json Strings(const std::vector<std::string>& values) {
  json out = json::array();
  for (const std::string& value : values) out.push_back(value);
  return out;
}

json StringMap(const std::map<std::string, std::string>& values) {
  json out = json::object();
  for (const auto& [key, value] : values) out[key] = value;
  return out;
}

// One file a component sees: host path and guest path without the leading
// '/', as Spin writes ContentPath::path.
struct PlacedFile {
  fs::path host;
  std::string guest;
};

Result<std::vector<PlacedFile>> PlaceFiles(const App& app, const Component& component) {
  SPINDLE_ASSIGN_OR_RETURN(std::vector<FileMount> mounts, ResolveFiles(app, component));
  std::vector<PlacedFile> placed;
  for (const FileMount& mount : mounts) {
    const std::string destination =
        mount.destination.size() > 1 && mount.destination.front() == '/' ? mount.destination.substr(1)
        : mount.destination == "/"                                        ? ""
                                                                          : mount.destination;
    if (!mount.is_directory) {
      placed.push_back({mount.source, destination});
      continue;
    }
    std::vector<fs::path> files;
    std::error_code error;
    fs::recursive_directory_iterator it(mount.source, fs::directory_options::none, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      std::error_code ignored;
      if (it->is_regular_file(ignored)) files.push_back(it->path());
    }
    if (error) {
      return MakeError(Phase::kIo, "cannot list " + mount.source.string() + ": " + error.message());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      const std::string relative = file.lexically_relative(mount.source).generic_string();
      placed.push_back({file, destination.empty() ? relative : destination + "/" + relative});
    }
  }
  return placed;
}

// JSON strings must be UTF-8; Linux file names need not be.
bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const size_t length = byte < 0x80 ? 1 : (byte >> 5) == 6 ? 2 : (byte >> 4) == 14 ? 3 : (byte >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

Result<std::string> ReadSmallFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(Phase::kIo, "cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void AddOnce(std::vector<LockedContent>& list, LockedContent content) {
  for (const LockedContent& existing : list) {
    if (existing.digest == content.digest) return;
  }
  list.push_back(std::move(content));
}

json ExecutorJson(const HttpExecutor& executor) {
  if (executor.kind == HttpExecutor::Kind::kSpin) return json{{"type", "http"}};
  return json{{"type", "wagi"}, {"argv", executor.argv}, {"entrypoint", executor.entrypoint}};
}

}  // namespace

Result<LockedApp> LockApp(const App& app, const ContentDigester& digest_of) {
  LockedApp locked;
  json metadata = {{"name", app.name}};
  if (!app.version.empty()) metadata["version"] = app.version;
  if (!app.description.empty()) metadata["description"] = app.description;
  if (!app.authors.empty()) metadata["authors"] = Strings(app.authors);
  json trigger_configs = json::object();
  if (!app.http_triggers.empty()) {
    trigger_configs["http"] = json::object();
    if (app.http_base != "/") trigger_configs["http"]["base"] = app.http_base;
  }
  if (!app.redis_triggers.empty() || !app.redis_address.empty()) {
    trigger_configs["redis"] = json::object();
    if (!app.redis_address.empty()) trigger_configs["redis"]["address"] = app.redis_address;
  }
  metadata["triggers"] = trigger_configs;

  json variables = json::object();
  for (const Variable& variable : app.variables) {
    json entry = {{"secret", variable.secret}};
    if (variable.default_value) entry["default"] = *variable.default_value;
    variables[variable.name] = entry;
  }

  json triggers = json::array();
  for (const HttpTrigger& trigger : app.http_triggers) {
    json config = {{"component", trigger.component}};
    config["route"] = trigger.is_private ? json{{"private", true}} : json(trigger.route);
    if (trigger.executor.kind != HttpExecutor::Kind::kSpin) {
      config["executor"] = ExecutorJson(trigger.executor);
    }
    triggers.push_back({{"id", trigger.id}, {"trigger_type", "http"}, {"trigger_config", config}});
  }
  for (const RedisTrigger& trigger : app.redis_triggers) {
    json config = {{"component", trigger.component}, {"channel", trigger.channel}};
    if (!trigger.address.empty()) config["address"] = trigger.address;
    triggers.push_back({{"id", trigger.id}, {"trigger_type", "redis"}, {"trigger_config", config}});
  }

  json components = json::array();
  for (const Component& component : app.components) {
    SPINDLE_ASSIGN_OR_RETURN(ContentInfo source, digest_of(component.source));
    AddOnce(locked.wasm, {source.digest, source.size, component.source});
    json files = json::array();
    SPINDLE_ASSIGN_OR_RETURN(std::vector<PlacedFile> placed, PlaceFiles(app, component));
    for (const PlacedFile& file : placed) {
      if (!IsUtf8(file.guest)) {
        return MakeError(Phase::kUsage, component.where.ToString() + ": component '" + component.id +
                                            "': file name " + file.host.string() +
                                            " is not UTF-8, so a locked app cannot name it");
      }
      SPINDLE_ASSIGN_OR_RETURN(ContentInfo content, digest_of(file.host));
      json entry = {{"digest", content.digest}, {"path", file.guest}};
      if (content.size <= kInlineLimit) {
        SPINDLE_ASSIGN_OR_RETURN(std::string bytes, ReadSmallFile(file.host));
        entry["inline"] = Base64Encode(bytes);
        AddOnce(locked.inline_content, {content.digest, content.size, file.host});
      } else {
        AddOnce(locked.data, {content.digest, content.size, file.host});
      }
      files.push_back(entry);
    }
    json component_metadata = {
        {"allowed_outbound_hosts", Strings(component.allowed_outbound_hosts)},
        {"key_value_stores", Strings(component.key_value_stores)},
        {"databases", Strings(component.sqlite_databases)},
        {"ai_models", Strings(component.ai_models)},
    };
    if (!component.description.empty()) component_metadata["description"] = component.description;
    components.push_back({
        {"id", component.id},
        {"metadata", component_metadata},
        {"source", {{"content_type", "application/wasm"}, {"digest", source.digest}}},
        {"env", StringMap(component.environment)},
        {"files", files},
        {"config", StringMap(component.variables)},
    });
  }

  const json document = {
      {"spin_lock_version", 1},
      {"metadata", metadata},
      {"variables", variables},
      {"triggers", triggers},
      {"components", components},
  };
  locked.json = document.dump();
  return locked;
}

}  // namespace spindle::app
