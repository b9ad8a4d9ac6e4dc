#include "services/sqlite_handle.h"

#include <system_error>

namespace spindle::services {
namespace {

// Long enough to ride out another connection's checkpoint, short enough
// that a stuck writer surfaces as an error to the guest.
constexpr int kBusyTimeoutMs = 5000;

bool IsMemoryUri(const std::string& path) { return path.rfind("file:", 0) == 0; }

}  // namespace

std::string SqliteMessage(sqlite3* db, int code) {
  std::string out = "SQLite error " + std::to_string(code) + " (" + sqlite3_errstr(code) + ")";
  if (db) {
    const char* detail = sqlite3_errmsg(db);
    if (detail && std::string(detail) != sqlite3_errstr(code)) out += ": " + std::string(detail);
  }
  return out;
}

Result<SqliteDb> OpenSqlite(const std::string& path) {
  if (!IsMemoryUri(path)) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code error;
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    if (error) {
      return MakeError(Phase::kIo,
                       parent.string() + ": cannot create directory: " + error.message());
    }
  }
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                    (IsMemoryUri(path) ? SQLITE_OPEN_URI : 0);
  const int code = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw, [](sqlite3* d) { sqlite3_close_v2(d); });
  if (code != SQLITE_OK) {
    return MakeError(Phase::kIo, path + ": cannot open: " + SqliteMessage(raw, code));
  }
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  sqlite3_extended_result_codes(raw, 1);
  if (!IsMemoryUri(path)) {
    // WAL: readers never block the writer. synchronous=FULL: each commit is
    // fsynced before it returns, so "set returned ok" means durable.
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
      char* message = nullptr;
      const int rc = sqlite3_exec(raw, pragma, nullptr, nullptr, &message);
      const std::string detail = message ? message : "";
      sqlite3_free(message);
      if (rc != SQLITE_OK) {
        return MakeError(Phase::kIo, path + ": " + pragma + " failed: " + detail);
      }
    }
  }
  return db;
}

Result<Statement> Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  const int code = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement(raw);
  if (code != SQLITE_OK) return MakeError(Phase::kIo, SqliteMessage(db, code));
  return statement;
}

}  // namespace spindle::services
