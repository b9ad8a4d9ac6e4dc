// Private to services/: the key-value backends behind KeyValueService.
#pragma once

#include <memory>
#include <string>

#include "engine/base/result.h"
#include "services/key_value.h"
#include "services/sqlite_handle.h"

namespace spindle::services {

// One SQLite database holding Spin's `spin_key_value` table; several store
// labels may share it (rows are keyed by store name). One connection,
// serialized by a mutex: SQLite allows one writer at a time anyway.
class SqliteKvFile;

// `path` is a file, or empty for a private in-memory database.
Result<std::shared_ptr<SqliteKvFile>> OpenSqliteKvFile(const std::string& path);

std::shared_ptr<KeyValueBackend> MakeSqliteKvBackend(std::shared_ptr<SqliteKvFile> file,
                                                     std::string store);

// A store kept in the Redis database named by `url` (keys used as is).
Result<std::shared_ptr<KeyValueBackend>> MakeRedisKvBackend(const std::string& url);

}  // namespace spindle::services
