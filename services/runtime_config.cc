#include "services/runtime_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace spindle::services {
namespace {

namespace fs = std::filesystem;

// What Spin accepts but Spindle does not implement; named so the error can
// say "not supported" rather than "unknown".
const std::set<std::string, std::less<>> kUnsupportedStoreTypes = {"azure_cosmos", "aws_dynamo"};
const std::set<std::string, std::less<>> kUnsupportedDatabaseTypes = {"libsql"};
const std::set<std::string, std::less<>> kUnsupportedProviderTypes = {"vault", "azure_key_vault"};
const std::set<std::string, std::less<>> kUnsupportedTopLevel = {"llm_compute", "client_tls",
                                                                 "otel", "outbound_networking"};

std::string DescribeType(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date/time";
  }
}

// Reads one runtime-config file; every error is "<file>:<line>:<col>: reason".
class Reader {
 public:
  Reader(std::string file, fs::path base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  app::SourcePosition At(const toml::source_region& region) const {
    app::SourcePosition out;
    out.file = file_;
    out.line = static_cast<int>(region.begin.line);
    out.column = static_cast<int>(region.begin.column);
    return out;
  }

  Error Fail(const toml::source_region& region, const std::string& reason) const {
    return MakeError(Phase::kUsage, At(region).ToString() + ": " + reason);
  }

  // Every key of `table` must be in `allowed`.
  Status AllowOnly(const toml::table& table, const std::string& name,
                   std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, node] : table) {
      bool ok = false;
      for (std::string_view a : allowed) ok = ok || key.str() == a;
      if (!ok) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return Fail(key.source(), "unknown key '" + std::string(key.str()) + "' in " + name +
                                      " (expected: " + list + ")");
      }
    }
    return Ok();
  }

  Status ReadString(const toml::table& table, std::string_view key, const std::string& name,
                    std::optional<std::string>* out) const {
    const toml::node* node = table.get(key);
    if (!node) return Ok();
    const auto* text = node->as_string();
    if (!text) {
      return Fail(node->source(), "'" + std::string(key) + "' in " + name +
                                      " must be a string, not " + DescribeType(*node));
    }
    *out = text->get();
    return Ok();
  }

  Status ReadPath(const toml::table& table, std::string_view key, const std::string& name,
                  std::optional<fs::path>* out) const {
    std::optional<std::string> text;
    SPINDLE_TRY(ReadString(table, key, name, &text));
    if (text) *out = text->empty() ? fs::path() : (base_dir_ / *text).lexically_normal();
    return Ok();
  }

  // `type`, required and a string.
  Result<std::string> ReadType(const toml::table& table, const std::string& name) const {
    std::optional<std::string> type;
    SPINDLE_TRY(ReadString(table, "type", name, &type));
    if (!type) return Fail(table.source(), name + " has no 'type'");
    return *type;
  }

  const toml::source_region& TypeRegion(const toml::table& table) const {
    const toml::node* node = table.get("type");
    return node ? node->source() : table.source();
  }

  Status ReadKeyValueStores(const toml::node& node, RuntimeConfig* out) const {
    const toml::table* stores = node.as_table();
    if (!stores)
      return Fail(node.source(),
                  "'key_value_store' must be a table of stores, not " + DescribeType(node));
    for (const auto& [key, value] : *stores) {
      const std::string label(key.str());
      const std::string name = "[key_value_store." + label + "]";
      const toml::table* table = value.as_table();
      if (!table)
        return Fail(value.source(), name + " must be a table, not " + DescribeType(value));
      SPINDLE_ASSIGN_OR_RETURN(std::string type, ReadType(*table, name));
      KeyValueStoreConfig store;
      store.where = At(key.source());
      if (type == "spin") {
        store.type = KeyValueStoreConfig::Type::kSpin;
        SPINDLE_TRY(AllowOnly(*table, name, {"type", "path"}));
        SPINDLE_TRY(ReadPath(*table, "path", name, &store.path));
        if (store.path && store.path->empty()) store.path.reset();
      } else if (type == "redis") {
        store.type = KeyValueStoreConfig::Type::kRedis;
        SPINDLE_TRY(AllowOnly(*table, name, {"type", "url"}));
        std::optional<std::string> url;
        SPINDLE_TRY(ReadString(*table, "url", name, &url));
        if (!url) return Fail(table->source(), name + " of type \"redis\" needs a 'url'");
        store.url = *url;
      } else if (kUnsupportedStoreTypes.count(type)) {
        return Fail(TypeRegion(*table),
                    name + ": key-value store type \"" + type +
                        "\" is not supported by Spindle (use \"spin\" or \"redis\")");
      } else {
        return Fail(TypeRegion(*table), name + ": unknown key-value store type \"" + type +
                                            "\" (expected \"spin\" or \"redis\")");
      }
      out->key_value_stores[label] = std::move(store);
    }
    return Ok();
  }

  Status ReadSqliteDatabases(const toml::node& node, RuntimeConfig* out) const {
    const toml::table* databases = node.as_table();
    if (!databases)
      return Fail(node.source(),
                  "'sqlite_database' must be a table of databases, not " + DescribeType(node));
    for (const auto& [key, value] : *databases) {
      const std::string label(key.str());
      const std::string name = "[sqlite_database." + label + "]";
      const toml::table* table = value.as_table();
      if (!table)
        return Fail(value.source(), name + " must be a table, not " + DescribeType(value));
      SPINDLE_ASSIGN_OR_RETURN(std::string type, ReadType(*table, name));
      if (kUnsupportedDatabaseTypes.count(type)) {
        return Fail(TypeRegion(*table), name + ": database type \"" + type +
                                            "\" is not supported by Spindle (use \"spin\")");
      }
      if (type != "spin") {
        return Fail(TypeRegion(*table),
                    name + ": unknown database type \"" + type + "\" (expected \"spin\")");
      }
      SPINDLE_TRY(AllowOnly(*table, name, {"type", "path"}));
      SqliteDatabaseConfig database;
      database.where = At(key.source());
      SPINDLE_TRY(ReadPath(*table, "path", name, &database.path));
      if (database.path && database.path->empty()) database.path.reset();
      out->sqlite_databases[label] = std::move(database);
    }
    return Ok();
  }

  Status ReadProviders(const toml::node& node, std::string_view key, RuntimeConfig* out) const {
    const toml::array* providers = node.as_array();
    if (!providers) {
      return Fail(node.source(), "'" + std::string(key) + "' must be an array of tables ([[" +
                                     std::string(key) + "]]), not " + DescribeType(node));
    }
    for (const toml::node& item : *providers) {
      const std::string name = "[[" + std::string(key) + "]]";
      const toml::table* table = item.as_table();
      if (!table)
        return Fail(item.source(), name + " entries must be tables, not " + DescribeType(item));
      SPINDLE_ASSIGN_OR_RETURN(std::string type, ReadType(*table, name));
      VariablesProviderConfig provider;
      provider.where = At(table->source());
      if (type == "env") {
        provider.type = VariablesProviderConfig::Type::kEnv;
        SPINDLE_TRY(AllowOnly(*table, name, {"type", "prefix", "dotenv_path"}));
        std::optional<std::string> prefix;
        SPINDLE_TRY(ReadString(*table, "prefix", name, &prefix));
        if (prefix) provider.prefix = *prefix;
        SPINDLE_TRY(ReadPath(*table, "dotenv_path", name, &provider.dotenv_path));
      } else if (type == "static") {
        provider.type = VariablesProviderConfig::Type::kStatic;
        SPINDLE_TRY(AllowOnly(*table, name, {"type", "values"}));
        if (const toml::node* values = table->get("values")) {
          const toml::table* map = values->as_table();
          if (!map)
            return Fail(values->source(),
                        "'values' in " + name + " must be a table, not " + DescribeType(*values));
          for (const auto& [k, v] : *map) {
            const auto* text = v.as_string();
            if (!text) {
              return Fail(v.source(), "value of '" + std::string(k.str()) + "' in " + name +
                                          " must be a string, not " + DescribeType(v));
            }
            provider.values[std::string(k.str())] = text->get();
          }
        }
      } else if (kUnsupportedProviderTypes.count(type)) {
        return Fail(TypeRegion(*table),
                    name + ": variables provider type \"" + type +
                        "\" is not supported by Spindle (use \"env\" or \"static\")");
      } else {
        return Fail(TypeRegion(*table), name + ": unknown variables provider type \"" + type +
                                            "\" (expected \"env\" or \"static\")");
      }
      out->variables_providers.push_back(std::move(provider));
    }
    return Ok();
  }

  Status ReadTop(const toml::table& root, RuntimeConfig* out,
                 std::optional<fs::path>* state_dir) const {
    for (const auto& [key, node] : root) {
      const std::string_view name = key.str();
      if (name == "key_value_store") {
        SPINDLE_TRY(ReadKeyValueStores(node, out));
      } else if (name == "sqlite_database") {
        SPINDLE_TRY(ReadSqliteDatabases(node, out));
      } else if (name == "variables_provider" || name == "config_provider") {
        SPINDLE_TRY(ReadProviders(node, name, out));
      } else if (name == "state_dir") {
        SPINDLE_TRY(ReadPath(root, "state_dir", "the top-level table", state_dir));
      } else if (name == "log_dir") {
        SPINDLE_TRY(ReadPath(root, "log_dir", "the top-level table", &out->log_dir));
      } else if (kUnsupportedTopLevel.count(name)) {
        return Fail(key.source(), "'" + std::string(name) + "' is not supported by Spindle");
      } else {
        return Fail(key.source(), "unknown key '" + std::string(name) +
                                      "' (expected key_value_store, sqlite_database, "
                                      "variables_provider, config_provider, state_dir or log_dir)");
      }
    }
    return Ok();
  }

 private:
  std::string file_;
  fs::path base_dir_;
};

// Adds the implicit `default` store and database where none is configured.
void AddDefaults(RuntimeConfig* config) {
  const bool has_state = !config->state_dir.empty();
  if (!config->key_value_stores.count("default")) {
    KeyValueStoreConfig store;
    if (has_state) store.path = config->state_dir / "sqlite_key_value.db";
    config->key_value_stores["default"] = std::move(store);
  }
  if (!config->sqlite_databases.count("default")) {
    SqliteDatabaseConfig database;
    if (has_state) database.path = config->state_dir / "sqlite_db.db";
    config->sqlite_databases["default"] = std::move(database);
  }
}

fs::path Absolute(const fs::path& path) {
  std::error_code error;
  fs::path out = fs::absolute(path, error);
  return error ? path : out.lexically_normal();
}

}  // namespace

RuntimeConfig DefaultRuntimeConfig(const fs::path& app_root,
                                   const std::optional<fs::path>& state_dir_override) {
  RuntimeConfig config;
  config.state_dir = Absolute(state_dir_override ? *state_dir_override : app_root / ".spin");
  AddDefaults(&config);
  return config;
}

Result<RuntimeConfig> ParseRuntimeConfig(std::string_view text, const fs::path& file,
                                         const fs::path& app_root,
                                         const std::optional<fs::path>& state_dir_override) {
  const std::string display = file.string();
  toml::parse_result parsed = toml::parse(text, display);
  Reader reader(display, Absolute(file).parent_path());
  if (!parsed) {
    const toml::parse_error& failure = parsed.error();
    return reader.Fail(failure.source(), std::string(failure.description()));
  }
  RuntimeConfig config;
  config.file = Absolute(file);
  std::optional<fs::path> state_dir;
  SPINDLE_TRY(reader.ReadTop(parsed.table(), &config, &state_dir));
  // toml++ iterates keys sorted, so [[config_provider]] entries came before
  // [[variables_provider]] ones; providers run in the order written.
  std::stable_sort(config.variables_providers.begin(), config.variables_providers.end(),
                   [](const VariablesProviderConfig& a, const VariablesProviderConfig& b) {
                     return a.where.line != b.where.line ? a.where.line < b.where.line
                                                         : a.where.column < b.where.column;
                   });
  if (state_dir_override) {
    config.state_dir = state_dir_override->empty() ? fs::path() : Absolute(*state_dir_override);
  } else if (state_dir) {
    config.state_dir = *state_dir;  // "" = no state directory
  } else {
    config.state_dir = Absolute(app_root / ".spin");
  }
  AddDefaults(&config);
  return config;
}

Result<RuntimeConfig> LoadRuntimeConfig(const fs::path& file, const fs::path& app_root,
                                        const std::optional<fs::path>& state_dir_override) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return MakeError(Phase::kIo, file.string() + ": cannot read the runtime config file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseRuntimeConfig(buffer.str(), file, app_root, state_dir_override);
}

}  // namespace spindle::services
