// Private to services/: opening SQLite databases the way every service
// here wants them, and statement helpers.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "engine/base/result.h"

namespace spindle::services {

using SqliteDb = std::shared_ptr<sqlite3>;

struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

// Opens (creating it and its directory) the database at `path`, in WAL mode
// with synchronous=FULL and a busy timeout, so a committed write survives a
// crash and concurrent connections wait instead of failing. `path` may also
// be a "file:...?mode=memory&cache=shared" URI for a shared in-memory one.
Result<SqliteDb> OpenSqlite(const std::string& path);

// "SQLite error 14 (unable to open database file): <detail>"
std::string SqliteMessage(sqlite3* db, int code);

Result<Statement> Prepare(sqlite3* db, const std::string& sql);

}  // namespace spindle::services
