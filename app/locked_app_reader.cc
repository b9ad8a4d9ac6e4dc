// ParseLockedApp: Spin's LockedApp JSON -> App, content from a directory of
// digest-named files. nlohmann-json throws only from parse(); that one call
// is caught here, every other access checks types first.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/ids.h"
#include "app/locked_app.h"

namespace spindle::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool IsSha256(const std::string& digest) {
  if (digest.size() != 71 || digest.compare(0, 7, "sha256:") != 0) return false;
  for (size_t i = 7; i < digest.size(); ++i) {
    const char c = digest[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A guest path from a locked app may come from a registry: it must stay
// inside the component's file tree once the runtime joins it to a root.
bool SafeGuestPath(const std::string& path) {
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    if (path.compare(start, end - start, "..") == 0 && end - start == 2) return false;
    start = end + 1;
  }
  return true;
}

class Reader {
 public:
  Reader(const fs::path& json_path, const fs::path& content_dir)
      : file_(json_path.string()), content_dir_(content_dir) {}

  Error Fail(const std::string& where, const std::string& reason) const {
    return MakeError(Phase::kUsage, file_ + ": " + where + ": " + reason);
  }

  Result<std::string> String(const json& object, const std::string& key, const std::string& where,
                             bool required) const {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
      if (required) return Fail(where, "missing '" + key + "'");
      return std::string();
    }
    if (!found->is_string()) return Fail(where + "." + key, "must be a string");
    return found->get_ref<const std::string&>();
  }

  Result<std::vector<std::string>> Strings(const json& object, const std::string& key,
                                           const std::string& where) const {
    std::vector<std::string> out;
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) return out;
    if (!found->is_array()) return Fail(where + "." + key, "must be an array of strings");
    for (const json& value : *found) {
      if (!value.is_string()) return Fail(where + "." + key, "must be an array of strings");
      out.push_back(value.get_ref<const std::string&>());
    }
    return out;
  }

  Result<std::map<std::string, std::string>> StringMap(const json& object, const std::string& key,
                                                       const std::string& where) const {
    std::map<std::string, std::string> out;
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) return out;
    if (!found->is_object()) return Fail(where + "." + key, "must be a table of strings");
    for (const auto& [name, value] : found->items()) {
      if (!value.is_string()) return Fail(where + "." + key + "." + name, "must be a string");
      out[name] = value.get_ref<const std::string&>();
    }
    return out;
  }

  // A ContentRef: `source` (file:// URL), or `digest` (with or without
  // `inline`): the host path of its bytes.
  Result<fs::path> Content(const json& ref, const std::string& where) const {
    if (!ref.is_object()) return Fail(where, "must be an object");
    SPINDLE_ASSIGN_OR_RETURN(std::string digest, String(ref, "digest", where, false));
    SPINDLE_ASSIGN_OR_RETURN(std::string source, String(ref, "source", where, false));
    if (!digest.empty()) {
      if (!IsSha256(digest)) return Fail(where + ".digest", "'" + digest + "' is not a sha256 digest");
      const fs::path path = ContentPath(content_dir_, digest);
      std::error_code error;
      if (!fs::is_regular_file(path, error)) {
        return Fail(where, "content " + digest + " is not in " + content_dir_.string());
      }
      return path;
    }
    if (source.rfind("file://", 0) == 0) return fs::path(source.substr(7));
    if (!source.empty()) return Fail(where + ".source", "only file:// sources are supported");
    if (ref.contains("inline")) {
      return Fail(where, "inline content without a digest (oci::MaterializeInlineContent adds it)");
    }
    return Fail(where, "no digest and no source");
  }

  Result<App> Read(const json& document) const {
    if (!document.is_object()) return Fail("top level", "must be an object");
    App app;
    app.manifest_path = fs::path(file_);
    app.root = content_dir_;
    app.manifest_version = 2;
    const json empty = json::object();
    const auto metadata_it = document.find("metadata");
    const json& metadata = metadata_it != document.end() && metadata_it->is_object() ? *metadata_it : empty;
    SPINDLE_ASSIGN_OR_RETURN(app.name, String(metadata, "name", "metadata", false));
    SPINDLE_ASSIGN_OR_RETURN(app.version, String(metadata, "version", "metadata", false));
    SPINDLE_ASSIGN_OR_RETURN(app.description, String(metadata, "description", "metadata", false));
    SPINDLE_ASSIGN_OR_RETURN(app.authors, Strings(metadata, "authors", "metadata"));
    if (const auto triggers = metadata.find("triggers"); triggers != metadata.end() && triggers->is_object()) {
      if (const auto http = triggers->find("http"); http != triggers->end() && http->is_object()) {
        SPINDLE_ASSIGN_OR_RETURN(std::string base, String(*http, "base", "metadata.triggers.http", false));
        if (!base.empty()) app.http_base = base;
      }
      if (const auto redis = triggers->find("redis"); redis != triggers->end() && redis->is_object()) {
        SPINDLE_ASSIGN_OR_RETURN(app.redis_address,
                                 String(*redis, "address", "metadata.triggers.redis", false));
      }
    }
    if (const auto variables = document.find("variables"); variables != document.end() && variables->is_object()) {
      for (const auto& [name, value] : variables->items()) {
        const std::string where = "variables." + name;
        if (!value.is_object()) return Fail(where, "must be an object");
        Variable variable;
        variable.name = name;
        variable.where.file = file_;
        if (const auto found = value.find("default"); found != value.end() && found->is_string()) {
          variable.default_value = found->get_ref<const std::string&>();
        }
        variable.required = !variable.default_value;
        if (const auto found = value.find("secret"); found != value.end() && found->is_boolean()) {
          variable.secret = found->get<bool>();
        }
        app.variables.push_back(std::move(variable));
      }
    }
    SPINDLE_TRY(ReadComponents(document, app));
    SPINDLE_TRY(ReadTriggers(document, app));
    return app;
  }

 private:
  Status ReadComponents(const json& document, App& app) const {
    const auto components = document.find("components");
    if (components == document.end() || !components->is_array()) {
      return Fail("top level", "missing 'components' array");
    }
    for (size_t i = 0; i < components->size(); ++i) {
      const json& entry = (*components)[i];
      const std::string where = "components[" + std::to_string(i) + "]";
      if (!entry.is_object()) return Fail(where, "must be an object");
      Component component;
      component.where.file = file_;
      SPINDLE_ASSIGN_OR_RETURN(component.id, String(entry, "id", where, true));
      // Ids name staging directories and log files: no path characters.
      if (!IsSpin1ComponentId(component.id)) {
        return Fail(where + ".id", "'" + component.id + "' is not a component id (letters, digits, '-', '_')");
      }
      const auto source = entry.find("source");
      if (source == entry.end()) return Fail(where, "missing 'source'");
      SPINDLE_ASSIGN_OR_RETURN(component.source, Content(*source, where + ".source"));
      SPINDLE_ASSIGN_OR_RETURN(component.environment, StringMap(entry, "env", where));
      SPINDLE_ASSIGN_OR_RETURN(component.variables, StringMap(entry, "config", where));
      if (const auto metadata = entry.find("metadata"); metadata != entry.end() && metadata->is_object()) {
        const std::string meta_where = where + ".metadata";
        SPINDLE_ASSIGN_OR_RETURN(component.description, String(*metadata, "description", meta_where, false));
        SPINDLE_ASSIGN_OR_RETURN(component.allowed_outbound_hosts,
                                 Strings(*metadata, "allowed_outbound_hosts", meta_where));
        SPINDLE_ASSIGN_OR_RETURN(component.key_value_stores, Strings(*metadata, "key_value_stores", meta_where));
        SPINDLE_ASSIGN_OR_RETURN(component.sqlite_databases, Strings(*metadata, "databases", meta_where));
        SPINDLE_ASSIGN_OR_RETURN(component.ai_models, Strings(*metadata, "ai_models", meta_where));
      }
      if (const auto files = entry.find("files"); files != entry.end() && files->is_array()) {
        for (size_t f = 0; f < files->size(); ++f) {
          const std::string file_where = where + ".files[" + std::to_string(f) + "]";
          const json& file = (*files)[f];
          if (!file.is_object()) return Fail(file_where, "must be an object");
          SPINDLE_ASSIGN_OR_RETURN(std::string path, String(file, "path", file_where, true));
          if (!SafeGuestPath(path)) {
            return Fail(file_where + ".path", "'" + path + "' leaves the component's file tree");
          }
          FilesEntry mount;
          mount.kind = FilesEntry::Kind::kMapping;
          SPINDLE_ASSIGN_OR_RETURN(mount.source, Content(file, file_where));
          mount.destination = path.empty() || path.front() != '/' ? "/" + path : path;
          mount.where.file = file_;
          component.files.push_back(std::move(mount));
        }
      }
      app.components.push_back(std::move(component));
    }
    return Ok();
  }

  Status ReadTriggers(const json& document, App& app) const {
    const auto triggers = document.find("triggers");
    if (triggers == document.end() || !triggers->is_array()) return Ok();
    for (size_t i = 0; i < triggers->size(); ++i) {
      const json& entry = (*triggers)[i];
      const std::string where = "triggers[" + std::to_string(i) + "]";
      if (!entry.is_object()) return Fail(where, "must be an object");
      SPINDLE_ASSIGN_OR_RETURN(std::string id, String(entry, "id", where, true));
      SPINDLE_ASSIGN_OR_RETURN(std::string type, String(entry, "trigger_type", where, true));
      const auto config_it = entry.find("trigger_config");
      if (config_it == entry.end() || !config_it->is_object()) return Fail(where, "missing 'trigger_config'");
      const json& config = *config_it;
      const std::string config_where = where + ".trigger_config";
      SPINDLE_ASSIGN_OR_RETURN(std::string component, String(config, "component", config_where, true));
      if (!app.FindComponent(component)) {
        return Fail(config_where + ".component", "no component '" + component + "'");
      }
      if (type == "http") {
        HttpTrigger trigger;
        trigger.id = id;
        trigger.component = component;
        trigger.where.file = file_;
        const auto route = config.find("route");
        if (route != config.end() && route->is_string()) {
          trigger.route = route->get_ref<const std::string&>();
        } else if (route != config.end() && route->is_object() && route->contains("private") &&
                   (*route)["private"].is_boolean() && (*route)["private"].get<bool>()) {
          trigger.is_private = true;
        } else {
          return Fail(config_where + ".route", "must be a string or { \"private\": true }");
        }
        if (const auto executor = config.find("executor"); executor != config.end() && executor->is_object()) {
          SPINDLE_ASSIGN_OR_RETURN(std::string kind, String(*executor, "type", config_where + ".executor", true));
          if (kind == "wagi") {
            trigger.executor.kind = HttpExecutor::Kind::kWagi;
            SPINDLE_ASSIGN_OR_RETURN(std::string argv, String(*executor, "argv", config_where + ".executor", false));
            SPINDLE_ASSIGN_OR_RETURN(std::string entry_point,
                                     String(*executor, "entrypoint", config_where + ".executor", false));
            if (!argv.empty()) trigger.executor.argv = argv;
            if (!entry_point.empty()) trigger.executor.entrypoint = entry_point;
          } else if (kind != "http" && kind != "spin") {
            return Fail(config_where + ".executor.type", "unknown executor '" + kind + "'");
          }
        }
        app.http_triggers.push_back(std::move(trigger));
      } else if (type == "redis") {
        RedisTrigger trigger;
        trigger.id = id;
        trigger.component = component;
        trigger.where.file = file_;
        SPINDLE_ASSIGN_OR_RETURN(trigger.channel, String(config, "channel", config_where, true));
        SPINDLE_ASSIGN_OR_RETURN(trigger.address, String(config, "address", config_where, false));
        if (trigger.address.empty()) trigger.address = app.redis_address;
        app.redis_triggers.push_back(std::move(trigger));
      } else {
        return Fail(where + ".trigger_type", "unsupported trigger type '" + type + "'");
      }
    }
    return Ok();
  }

  std::string file_;
  fs::path content_dir_;
};

Result<json> ParseJson(std::string_view text, const fs::path& json_path) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& error) {
    return MakeError(Phase::kUsage, json_path.string() + ": byte " + std::to_string(error.byte) +
                                        ": not valid JSON: " + error.what());
  }
}

}  // namespace

fs::path ContentPath(const fs::path& content_dir, std::string_view digest) {
  const size_t colon = digest.find(':');
  if (colon == std::string_view::npos) return content_dir / std::string(digest);
  return content_dir / std::string(digest.substr(0, colon)) / std::string(digest.substr(colon + 1));
}

Result<App> ParseLockedApp(std::string_view text, const fs::path& json_path,
                           const fs::path& content_dir) {
  SPINDLE_ASSIGN_OR_RETURN(json document, ParseJson(text, json_path));
  return Reader(json_path, content_dir).Read(document);
}

Result<App> LoadLockedApp(const fs::path& json_path, const fs::path& content_dir) {
  std::ifstream in(json_path, std::ios::binary);
  if (!in) return MakeError(Phase::kIo, "cannot read " + json_path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return ParseLockedApp(text.str(), json_path, content_dir);
}

}  // namespace spindle::app
