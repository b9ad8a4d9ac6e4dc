// runtime-config.toml (spin-compat.md §6.5): which backend serves each
// key-value store and SQLite database label, which variables providers run
// before the always-present env provider, and where state and logs live.
// Spindle supports the local backends (`spin`, `redis`, `env`, `static`);
// Spin's cloud backends are rejected with an error saying so.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::services {

struct KeyValueStoreConfig {
  enum class Type { kSpin, kRedis };
  Type type = Type::kSpin;
  // kSpin: the SQLite file (absolute); nullopt = an in-memory database.
  std::optional<std::filesystem::path> path;
  std::string url;            // kRedis: "redis://host[:port][/db]"
  app::SourcePosition where;  // the [key_value_store.<label>] table; unknown for defaults
};

struct SqliteDatabaseConfig {
  // The SQLite file (absolute); nullopt = an in-memory database.
  std::optional<std::filesystem::path> path;
  app::SourcePosition where;
};

struct VariablesProviderConfig {
  enum class Type { kEnv, kStatic };
  Type type = Type::kEnv;
  // kEnv: variable `foo` is read from `<prefix>_FOO`; then from a dotenv
  // file if one is given (absolute).
  std::string prefix = "SPIN_VARIABLE";
  std::optional<std::filesystem::path> dotenv_path;
  std::map<std::string, std::string> values;  // kStatic
  app::SourcePosition where;
};

struct RuntimeConfig {
  std::filesystem::path file;                    // absolute; empty when there is none
  // Absolute; default <app root>/.spin. Empty when set to "" (no state
  // directory: the implicit defaults are then in memory).
  std::filesystem::path state_dir;
  // Absolute, when set in the file; an empty path means "" (no log files).
  std::optional<std::filesystem::path> log_dir;
  // Every label that has a backend, including the implicit `default`s.
  std::map<std::string, KeyValueStoreConfig> key_value_stores;
  std::map<std::string, SqliteDatabaseConfig> sqlite_databases;
  // In file order; the always-present env provider is not listed.
  std::vector<VariablesProviderConfig> variables_providers;
};

// The configuration without a file: state in <app_root>/.spin (or in
// `state_dir_override`, from --state-dir), KV `default` in
// <state_dir>/sqlite_key_value.db, SQLite `default` in
// <state_dir>/sqlite_db.db, no extra variables providers.
RuntimeConfig DefaultRuntimeConfig(
    const std::filesystem::path& app_root,
    const std::optional<std::filesystem::path>& state_dir_override = std::nullopt);

// Reads and checks `file`. Relative paths in it (store and database
// `path`, `state_dir`, `log_dir`, `dotenv_path`) are resolved against the
// file's directory. `state_dir_override` (from --state-dir, relative to
// the current directory; "" = none) beats the file's `state_dir`. Errors
// are "runtime-config.toml:LINE:COL: reason".
Result<RuntimeConfig> LoadRuntimeConfig(
    const std::filesystem::path& file, const std::filesystem::path& app_root,
    const std::optional<std::filesystem::path>& state_dir_override = std::nullopt);

// The same from text already read; `file` names it in messages and gives
// the directory relative paths are resolved against.
Result<RuntimeConfig> ParseRuntimeConfig(
    std::string_view text, const std::filesystem::path& file, const std::filesystem::path& app_root,
    const std::optional<std::filesystem::path>& state_dir_override = std::nullopt);

}  // namespace spindle::services
