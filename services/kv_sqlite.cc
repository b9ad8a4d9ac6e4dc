// The `spin` key-value backend: Spin's SQLite schema, so a .spin directory
// written by Spin can be read by Spindle and back.
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <utility>

#include "services/kv_backends.h"

namespace spindle::services {

// A statement taken from the file's cache; reset when the use ends, so a
// half-read SELECT never keeps a read transaction open.
class ReusedStatement {
 public:
  explicit ReusedStatement(sqlite3_stmt* statement) : statement_(statement) {}
  ReusedStatement(ReusedStatement&& other) noexcept
      : statement_(std::exchange(other.statement_, nullptr)) {}
  ReusedStatement(const ReusedStatement&) = delete;
  ReusedStatement& operator=(const ReusedStatement&) = delete;
  ~ReusedStatement() {
    if (!statement_) return;
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  sqlite3_stmt* get() const { return statement_; }

 private:
  sqlite3_stmt* statement_;
};

class SqliteKvFile {
 public:
  explicit SqliteKvFile(SqliteDb db) : db_(std::move(db)) {}

  std::mutex& mutex() { return mutex_; }
  sqlite3* db() { return db_.get(); }

  // `sql`, prepared on first use and kept: preparing costs more than the
  // statement itself for these one-row lookups. Call with mutex() held.
  Result<ReusedStatement> Reuse(const std::string& sql) {
    auto found = statements_.find(sql);
    if (found == statements_.end()) {
      SPINDLE_ASSIGN_OR_RETURN(Statement statement, Prepare(db_.get(), sql));
      found = statements_.emplace(sql, std::move(statement)).first;
    }
    return ReusedStatement(found->second.get());
  }

 private:
  std::mutex mutex_;
  SqliteDb db_;
  std::map<std::string, Statement> statements_;  // finalized before db_ closes
};

namespace {

// The guest sees io(message); the operator sees it in the log.
KvError Io(const std::string& message) {
  spdlog::warn("key-value store (SQLite): {}", message);
  return KvError{KvError::Kind::kIo, message};
}

// Binds text as-is (keys are UTF-8 from the guest; embedded NULs kept).
void BindText(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

class SqliteKvBackend final : public KeyValueBackend {
 public:
  SqliteKvBackend(std::shared_ptr<SqliteKvFile> file, std::string store)
      : file_(std::move(file)), store_(std::move(store)) {}

  Expected<std::optional<std::vector<uint8_t>>, KvError> Get(const std::string& key) override {
    std::lock_guard lock(file_->mutex());
    Result<ReusedStatement> statement =
        file_->Reuse("SELECT value FROM spin_key_value WHERE store = ? AND key = ?");
    if (!statement.ok()) return Fail(Io(statement.error().message));
    BindText(statement->get(), 1, store_);
    BindText(statement->get(), 2, key);
    const int code = sqlite3_step(statement->get());
    if (code == SQLITE_DONE) return std::optional<std::vector<uint8_t>>();
    if (code != SQLITE_ROW) return Fail(Io(SqliteMessage(file_->db(), code)));
    const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(statement->get(), 0));
    const int size = sqlite3_column_bytes(statement->get(), 0);
    return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>(data, data + size));
  }

  Expected<void, KvError> Set(const std::string& key, const std::vector<uint8_t>& value) override {
    std::lock_guard lock(file_->mutex());
    Result<ReusedStatement> statement =
        file_->Reuse(
                "INSERT INTO spin_key_value (store, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT(store, key) DO UPDATE SET value = excluded.value");
    if (!statement.ok()) return Fail(Io(statement.error().message));
    BindText(statement->get(), 1, store_);
    BindText(statement->get(), 2, key);
    // A zero-length blob with a null pointer would bind NULL, which the
    // NOT NULL column rejects; any non-null pointer makes it an empty blob.
    static const uint8_t kEmpty = 0;
    sqlite3_bind_blob64(statement->get(), 3, value.empty() ? &kEmpty : value.data(), value.size(),
                        SQLITE_TRANSIENT);
    return Step(statement->get());
  }

  Expected<void, KvError> Delete(const std::string& key) override {
    std::lock_guard lock(file_->mutex());
    Result<ReusedStatement> statement =
        file_->Reuse("DELETE FROM spin_key_value WHERE store = ? AND key = ?");
    if (!statement.ok()) return Fail(Io(statement.error().message));
    BindText(statement->get(), 1, store_);
    BindText(statement->get(), 2, key);
    return Step(statement->get());
  }

  Expected<bool, KvError> Exists(const std::string& key) override {
    std::lock_guard lock(file_->mutex());
    Result<ReusedStatement> statement =
        file_->Reuse("SELECT 1 FROM spin_key_value WHERE store = ? AND key = ?");
    if (!statement.ok()) return Fail(Io(statement.error().message));
    BindText(statement->get(), 1, store_);
    BindText(statement->get(), 2, key);
    const int code = sqlite3_step(statement->get());
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    return Fail(Io(SqliteMessage(file_->db(), code)));
  }

  Expected<std::vector<std::string>, KvError> GetKeys() override {
    std::lock_guard lock(file_->mutex());
    Result<ReusedStatement> statement =
        file_->Reuse("SELECT key FROM spin_key_value WHERE store = ?");
    if (!statement.ok()) return Fail(Io(statement.error().message));
    BindText(statement->get(), 1, store_);
    std::vector<std::string> keys;
    for (;;) {
      const int code = sqlite3_step(statement->get());
      if (code == SQLITE_DONE) return keys;
      if (code != SQLITE_ROW) return Fail(Io(SqliteMessage(file_->db(), code)));
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement->get(), 0));
      keys.emplace_back(text ? text : "", sqlite3_column_bytes(statement->get(), 0));
    }
  }

 private:
  Expected<void, KvError> Step(sqlite3_stmt* statement) {
    const int code = sqlite3_step(statement);
    if (code == SQLITE_DONE) return {};
    return Fail(Io(SqliteMessage(file_->db(), code)));
  }

  std::shared_ptr<SqliteKvFile> file_;
  std::string store_;
};

}  // namespace

Result<std::shared_ptr<SqliteKvFile>> OpenSqliteKvFile(const std::string& path) {
  SPINDLE_ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(path.empty() ? ":memory:" : path));
  char* message = nullptr;
  const int code = sqlite3_exec(db.get(),
                                "CREATE TABLE IF NOT EXISTS spin_key_value ("
                                "store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, "
                                "PRIMARY KEY (store, key))",
                                nullptr, nullptr, &message);
  const std::string detail = message ? message : "";
  sqlite3_free(message);
  if (code != SQLITE_OK) {
    return MakeError(Phase::kIo, (path.empty() ? ":memory:" : path) +
                                     ": cannot create the spin_key_value table: " + detail);
  }
  return std::make_shared<SqliteKvFile>(std::move(db));
}

std::shared_ptr<KeyValueBackend> MakeSqliteKvBackend(std::shared_ptr<SqliteKvFile> file,
                                                     std::string store) {
  return std::make_shared<SqliteKvBackend>(std::move(file), std::move(store));
}

}  // namespace spindle::services
