// Application variables and component configuration (spin-compat.md §1.8):
// every app variable is resolved once, at startup, from the runtime-config
// providers in order, then the always-present env provider, then its
// default; component `variables` (v1 `config`) templates are rendered on
// demand for `spin-config.get-config`.
//
// The always-present env provider reads SPIN_VARIABLE_<NAME>, then the
// Spin 1 name SPIN_CONFIG_<NAME> (with a deprecation warning), then the
// same names in `<working dir>/.env`. <NAME> is the variable name
// upper-cased.
//
// Secrets: the value of a variable declared `secret = true` never appears
// in a log line or an error message made here.
//
// Thread safety: immutable after Create; Get and Render may be called from
// any number of threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"
#include "services/expected.h"
#include "services/runtime_config.h"

namespace spindle::services {

// spin-config `error` (spin-compat.md §4.1), in WIT case order.
struct ConfigError {
  enum class Kind : uint8_t { kProvider = 0, kInvalidKey = 1, kInvalidSchema = 2, kOther = 3 };
  Kind kind = Kind::kOther;
  std::string message;
};

// Reads one process environment variable; tests inject a fake one.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

struct VariablesOptions {
  // Configured providers in runtime-config order.
  std::vector<VariablesProviderConfig> providers;
  // Where the always-present env provider looks for `.env`; empty = the
  // process's current directory.
  std::filesystem::path working_dir;
  // Defaults to getenv.
  EnvironmentLookup environment;
};

class Variables {
 public:
  // Resolves every app variable. A `required` variable no provider sets is
  // an error naming it and where it was declared. A configured dotenv file
  // that cannot be read is an error; a missing `<working dir>/.env` is not.
  static Result<std::unique_ptr<Variables>> Create(const app::App& app, VariablesOptions options);

  // The value of the component's config key `key`: its template rendered
  // with the app variables. An unknown component or an undeclared key is
  // `invalid-key`.
  Expected<std::string, ConfigError> Get(std::string_view component_id, std::string_view key) const;

  // Renders a template over app variables (e.g. an allowed_outbound_hosts
  // entry). The error never contains a secret's value.
  Result<std::string> Render(std::string_view text) const;

  // True if `text` names a variable declared secret (so a caller quoting a
  // rendered value should quote the template instead).
  bool ReferencesSecret(std::string_view text) const;

  // The resolved value of app variable `name`, if it has one.
  std::optional<std::string> Value(std::string_view name) const;

  struct Resolved {
    std::string value;
    bool secret = false;
  };

 private:
  std::map<std::string, Resolved, std::less<>> values_;
  // component id -> key -> template
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> components_;
};

}  // namespace spindle::services
