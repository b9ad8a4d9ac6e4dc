#include "services/variables.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "app/template.h"
#include "services/dotenv.h"
#include "services/url.h"

namespace spindle::services {
namespace {

std::string Uppercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::optional<std::string> GetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

// One source of values, asked in order; the first with a value wins.
struct Source {
  std::string description;  // for logs: "runtime-config.toml:3:1 static provider"
  std::function<std::optional<std::string>(const std::string& name)> lookup;
};

using DotenvMap = std::map<std::string, std::string>;

std::optional<std::string> FindIn(const DotenvMap& map, const std::string& key) {
  const auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<Source>> BuildSources(const VariablesOptions& options,
                                         const EnvironmentLookup& environment) {
  std::vector<Source> sources;
  for (const VariablesProviderConfig& provider : options.providers) {
    const std::string where = provider.where.ToString();
    if (provider.type == VariablesProviderConfig::Type::kStatic) {
      auto values = std::make_shared<DotenvMap>(provider.values);
      sources.push_back({where + " static provider",
                         [values](const std::string& name) { return FindIn(*values, name); }});
      continue;
    }
    auto dotenv = std::make_shared<DotenvMap>();
    if (provider.dotenv_path) {
      Result<DotenvMap> read = ReadDotenv(*provider.dotenv_path, /*missing_ok=*/false);
      if (!read.ok()) {
        return MakeError(Phase::kUsage, where + ": env provider: " + read.error().message);
      }
      *dotenv = std::move(*read);
    }
    const std::string prefix = provider.prefix;
    sources.push_back(
        {where + " env provider", [environment, dotenv, prefix](const std::string& name) {
           const std::string key = prefix + "_" + Uppercase(name);
           if (std::optional<std::string> value = environment(key)) return value;
           return FindIn(*dotenv, key);
         }});
  }
  // The provider Spin always appends.
  std::error_code cwd_error;  // the non-throwing overload; "" reads ./.env
  const std::filesystem::path dir =
      options.working_dir.empty() ? std::filesystem::current_path(cwd_error) : options.working_dir;
  Result<DotenvMap> read = ReadDotenv(dir / ".env", /*missing_ok=*/true);
  if (!read.ok()) return std::move(read).error();
  auto dotenv = std::make_shared<DotenvMap>(std::move(*read));
  sources.push_back(
      {"the environment (SPIN_VARIABLE_*, .env)", [environment, dotenv](const std::string& name) {
         const std::string upper = Uppercase(name);
         const std::string current = "SPIN_VARIABLE_" + upper;
         const std::string legacy = "SPIN_CONFIG_" + upper;
         if (std::optional<std::string> value = environment(current)) return value;
         if (std::optional<std::string> value = environment(legacy)) {
           spdlog::warn("{} is deprecated (a Spin 1 name); use {} instead", legacy, current);
           return value;
         }
         if (std::optional<std::string> value = FindIn(*dotenv, current)) {
           return value;
         }
         if (std::optional<std::string> value = FindIn(*dotenv, legacy)) {
           spdlog::warn("{} in .env is deprecated (a Spin 1 name); use {} instead", legacy,
                        current);
           return value;
         }
         return std::optional<std::string>();
       }});
  return sources;
}

bool IsValidKey(std::string_view key) {
  if (key.empty() || !(key[0] >= 'a' && key[0] <= 'z')) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Variables>> Variables::Create(const app::App& app,
                                                     VariablesOptions options) {
  EnvironmentLookup environment = options.environment ? options.environment : GetEnv;
  SPINDLE_ASSIGN_OR_RETURN(std::vector<Source> sources, BuildSources(options, environment));
  auto out = std::unique_ptr<Variables>(new Variables());
  for (const app::Variable& variable : app.variables) {
    std::optional<std::string> value;
    std::string from;
    for (const Source& source : sources) {
      value = source.lookup(variable.name);
      if (value) {
        from = source.description;
        break;
      }
    }
    if (!value && variable.default_value) {
      value = variable.default_value;
      from = "its default";
    }
    if (!value) {
      return MakeError(Phase::kUsage,
                       variable.where.ToString() + ": variable '" + variable.name +
                           "' is required but has no value; set SPIN_VARIABLE_" +
                           Uppercase(variable.name) +
                           " or give it a value in a runtime-config variables provider");
    }
    spdlog::debug("variable '{}' = {} (from {})", variable.name,
                  variable.secret ? std::string("<secret>") : "'" + *value + "'", from);
    out->values_[variable.name] = Resolved{std::move(*value), variable.secret};
  }
  for (const app::Component& component : app.components) {
    auto& keys = out->components_[component.id];
    for (const auto& [key, text] : component.variables) keys[key] = text;
  }
  return out;
}

Result<std::string> Variables::Render(std::string_view text) const {
  Result<std::vector<app::TemplatePart>> parts = app::ParseTemplate(text);
  if (!parts.ok()) return std::move(parts).error();
  std::string out;
  for (const app::TemplatePart& part : *parts) {
    if (!part.is_expression) {
      out += part.text;
      continue;
    }
    const auto it = values_.find(part.text);
    if (it == values_.end()) {
      return MakeError(Phase::kUsage, "'{{ " + part.text + " }}' names no application variable");
    }
    out += it->second.value;
  }
  return out;
}

bool Variables::ReferencesSecret(std::string_view text) const {
  Result<std::vector<app::TemplatePart>> parts = app::ParseTemplate(text);
  if (!parts.ok()) return false;
  for (const app::TemplatePart& part : *parts) {
    if (!part.is_expression) continue;
    const auto it = values_.find(part.text);
    if (it != values_.end() && it->second.secret) return true;
  }
  return false;
}

std::optional<std::string> Variables::Value(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.value;
}

Expected<std::string, ConfigError> Variables::Get(std::string_view component_id,
                                                  std::string_view key) const {
  if (!IsValidKey(key)) {
    return Fail(
        ConfigError{ConfigError::Kind::kInvalidKey,
                    "invalid config key '" + std::string(key) +
                        "': use lower-case letters, digits and '_', starting with a letter"});
  }
  const auto component = components_.find(component_id);
  if (component == components_.end()) {
    return Fail(ConfigError{ConfigError::Kind::kInvalidKey,
                            "no component '" + std::string(component_id) + "'"});
  }
  const auto entry = component->second.find(key);
  if (entry == component->second.end()) {
    return Fail(ConfigError{ConfigError::Kind::kInvalidKey,
                            "component '" + std::string(component_id) + "' declares no variable '" +
                                std::string(key) + "'"});
  }
  Result<std::string> value = Render(entry->second);
  if (!value.ok()) {
    return Fail(ConfigError{ConfigError::Kind::kProvider, value.error().message});
  }
  return std::move(*value);
}

}  // namespace spindle::services
