// What `spin up --key-value KEY=VALUE` and `spin up --sqlite <SQL|@file>`
// do before the first request (spin-compat.md §6.2): seed a key-value
// store and run SQL against a database. Startup only; errors stop startup.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/result.h"
#include "services/key_value.h"
#include "services/sqlite_database.h"

namespace spindle::services {

// Sets each key in store `label` (Spin seeds "default"). An entry written
// "KEY=VALUE" is split at its first '='; a missing '=' is an error.
Status SeedKeyValue(KeyValueService& service, const std::string& label,
                    const std::vector<std::string>& entries);

// Runs `sql` (one or more statements) against database `label`; "@path"
// reads the statements from a file, relative to `base_dir`. The error names
// the statement's source and SQLite's reason.
Status RunStartupSql(SqliteService& service, const std::string& label, const std::string& sql,
                     const std::filesystem::path& base_dir);

}  // namespace spindle::services
