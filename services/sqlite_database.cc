#include "services/sqlite_database.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>

#include "services/sqlite_handle.h"

namespace spindle::services {
namespace {

SqliteError Io(std::string message) {
  return SqliteError{SqliteError::Kind::kIo, std::move(message)};
}

SqliteError FromCode(sqlite3* db, int code) {
  if ((code & 0xff) == SQLITE_FULL) return SqliteError{SqliteError::Kind::kDatabaseFull, ""};
  return Io(SqliteMessage(db, code));
}

// Distinguishes the shared in-memory databases of two services in one
// process (tests build many).
std::atomic<uint64_t> next_service_id{1};

void Bind(sqlite3_stmt* statement, int index, const SqlValue& value) {
  switch (value.index()) {
    case 0:
      sqlite3_bind_int64(statement, index, std::get<0>(value));
      break;
    case 1:
      sqlite3_bind_double(statement, index, std::get<1>(value));
      break;
    case 2: {
      const std::string& text = std::get<2>(value);
      sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT,
                          SQLITE_UTF8);
      break;
    }
    case 3: {
      const std::vector<uint8_t>& blob = std::get<3>(value);
      sqlite3_bind_blob64(statement, index, blob.data(), blob.size(), SQLITE_TRANSIENT);
      if (blob.empty()) sqlite3_bind_zeroblob(statement, index, 0);
      break;
    }
    default:
      sqlite3_bind_null(statement, index);
      break;
  }
}

SqlValue Column(sqlite3_stmt* statement, int index) {
  switch (sqlite3_column_type(statement, index)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(statement, index));
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement, index);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, index));
      return std::string(text ? text : "", sqlite3_column_bytes(statement, index));
    }
    case SQLITE_BLOB: {
      const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(statement, index));
      return std::vector<uint8_t>(data, data + sqlite3_column_bytes(statement, index));
    }
    default:
      return SqlNull{};
  }
}

}  // namespace

struct SqliteService::State {
  std::map<std::string, SqliteDatabaseConfig> configs;
  uint64_t id = 0;
  std::mutex mutex;
  // A shared-cache in-memory database lives while one connection to it is
  // open; these keep each label's alive for the service's lifetime.
  std::map<std::string, SqliteDb> memory_keepalive;
};

SqliteService::SqliteService(const RuntimeConfig& config) : state_(std::make_unique<State>()) {
  state_->configs = config.sqlite_databases;
  state_->id = next_service_id++;
}

SqliteService::~SqliteService() = default;

bool SqliteService::HasDatabase(const std::string& label) const {
  return state_->configs.count(label) > 0;
}

Expected<std::shared_ptr<void>, SqliteError> SqliteService::Connect(const std::string& label) {
  const auto config = state_->configs.find(label);
  if (config == state_->configs.end()) {
    return Fail(SqliteError{SqliteError::Kind::kNoSuchDatabase, ""});
  }
  std::string path;
  if (config->second.path) {
    path = config->second.path->string();
  } else {
    path = "file:spindle-" + std::to_string(state_->id) + "-" + label + "?mode=memory&cache=shared";
    std::lock_guard lock(state_->mutex);
    if (!state_->memory_keepalive.count(label)) {
      Result<SqliteDb> keepalive = OpenSqlite(path);
      if (!keepalive.ok()) return Fail(Io(keepalive.error().message));
      state_->memory_keepalive[label] = std::move(*keepalive);
    }
  }
  Result<SqliteDb> db = OpenSqlite(path);
  if (!db.ok()) {
    spdlog::error("sqlite database '{}': {}", label, db.error().message);
    return Fail(Io(db.error().message));
  }
  return std::shared_ptr<void>(*db, db->get());
}

SqliteSession::SqliteSession(SqliteService& service, std::vector<std::string> allowed_labels,
                             size_t max_connections)
    : service_(service),
      allowed_labels_(std::move(allowed_labels)),
      max_connections_(max_connections) {}

Expected<uint32_t, SqliteError> SqliteSession::Open(const std::string& name) {
  if (std::find(allowed_labels_.begin(), allowed_labels_.end(), name) == allowed_labels_.end()) {
    return Fail(SqliteError{SqliteError::Kind::kAccessDenied, ""});
  }
  {
    std::lock_guard lock(mutex_);
    if (connections_.size() >= max_connections_) return Fail(Io("too many open connections"));
  }
  Expected<std::shared_ptr<void>, SqliteError> connection = service_.Connect(name);
  if (!connection.ok()) return Fail(std::move(connection).error());
  std::lock_guard lock(mutex_);
  if (connections_.size() >= max_connections_) return Fail(Io("too many open connections"));
  const uint32_t handle = next_handle_++;
  connections_[handle] = std::move(*connection);
  return handle;
}

Expected<QueryResult, SqliteError> SqliteSession::Execute(uint32_t connection,
                                                          const std::string& statement_text,
                                                          const std::vector<SqlValue>& parameters) {
  std::shared_ptr<void> handle;
  {
    std::lock_guard lock(mutex_);
    const auto it = connections_.find(connection);
    if (it == connections_.end()) {
      return Fail(SqliteError{SqliteError::Kind::kInvalidConnection, ""});
    }
    handle = it->second;
  }
  auto* db = static_cast<sqlite3*>(handle.get());
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int prepared = sqlite3_prepare_v2(db, statement_text.c_str(),
                                          static_cast<int>(statement_text.size()), &raw, &tail);
  Statement statement(raw);
  if (prepared != SQLITE_OK) return Fail(FromCode(db, prepared));
  if (!statement) return Fail(Io("the statement is empty"));
  if (tail && std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return Fail(Io("execute takes one statement; split multiple statements into several calls"));
  }
  const int expected = sqlite3_bind_parameter_count(raw);
  if (static_cast<size_t>(expected) != parameters.size()) {
    return Fail(Io("the statement has " + std::to_string(expected) + " parameters but " +
                   std::to_string(parameters.size()) + " values were given"));
  }
  for (size_t i = 0; i < parameters.size(); ++i) Bind(raw, static_cast<int>(i + 1), parameters[i]);
  QueryResult result;
  const int columns = sqlite3_column_count(raw);
  for (int i = 0; i < columns; ++i) {
    const char* name = sqlite3_column_name(raw, i);
    result.columns.emplace_back(name ? name : "");
  }
  for (;;) {
    const int code = sqlite3_step(raw);
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return Fail(FromCode(db, code));
    RowResult row;
    row.values.reserve(columns);
    for (int i = 0; i < columns; ++i) row.values.push_back(Column(raw, i));
    result.rows.push_back(std::move(row));
  }
  return result;
}

void SqliteSession::Close(uint32_t connection) {
  std::lock_guard lock(mutex_);
  connections_.erase(connection);
}

}  // namespace spindle::services
