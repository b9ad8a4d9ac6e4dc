// SQLite databases (Spin 1 `sqlite`, spin-compat.md §4.1). A SqliteService
// knows the app's databases by label; a SqliteSession is one guest
// instance's table of open connections. Each `open` gets its own SQLite
// connection, so a guest's BEGIN ... COMMIT spans its own statements only;
// in-memory databases are shared by all connections to the same label.
//
// Access rules: a label missing from the component's `sqlite_databases` is
// `access-denied`; a listed label with no database configured is
// `no-such-database`.
//
// Thread safety: SqliteService is safe from any number of threads; a
// SqliteSession locks, but is meant for its guest instance's thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "services/expected.h"
#include "services/runtime_config.h"

namespace spindle::services {

// sqlite `error` (spin-compat.md §4.1), in WIT case order; `message` is
// the payload of `io`.
struct SqliteError {
  enum class Kind : uint8_t {
    kNoSuchDatabase = 0,
    kAccessDenied = 1,
    kInvalidConnection = 2,
    kDatabaseFull = 3,
    kIo = 4,
  };
  Kind kind = Kind::kIo;
  std::string message;
};

struct SqlNull {
  bool operator==(const SqlNull&) const = default;
};

// sqlite `value`: the variant index is the WIT case (integer, real, text,
// blob, null).
using SqlValue = std::variant<int64_t, double, std::string, std::vector<uint8_t>, SqlNull>;

struct RowResult {
  std::vector<SqlValue> values;
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<RowResult> rows;
};

class SqliteService {
 public:
  explicit SqliteService(const RuntimeConfig& config);
  ~SqliteService();
  SqliteService(const SqliteService&) = delete;
  SqliteService& operator=(const SqliteService&) = delete;

  bool HasDatabase(const std::string& label) const;

  // A new connection to `label`'s database (creating the file and its
  // directory): an owning sqlite3*, type-erased to keep <sqlite3.h> out of
  // this header. `no-such-database` or `io`.
  Expected<std::shared_ptr<void>, SqliteError> Connect(const std::string& label);

 private:
  struct State;  // configs and in-memory keep-alives; defined in sqlite_database.cc
  std::unique_ptr<State> state_;
};

class SqliteSession {
 public:
  static constexpr size_t kDefaultMaxConnections = 64;

  SqliteSession(SqliteService& service, std::vector<std::string> allowed_labels,
                size_t max_connections = kDefaultMaxConnections);

  // Beyond max_connections open at once: `io("too many open connections")`.
  Expected<uint32_t, SqliteError> Open(const std::string& name);
  // One statement with `?`/`?N` parameters bound in order. Rows are
  // returned for queries; other statements return no columns and no rows.
  Expected<QueryResult, SqliteError> Execute(uint32_t connection, const std::string& statement,
                                             const std::vector<SqlValue>& parameters);
  void Close(uint32_t connection);

 private:
  SqliteService& service_;
  std::vector<std::string> allowed_labels_;
  size_t max_connections_;
  std::mutex mutex_;
  uint32_t next_handle_ = 1;
  std::map<uint32_t, std::shared_ptr<void>> connections_;
};

}  // namespace spindle::services
