#include "services/startup_seed.h"

#include <sqlite3.h>

#include <fstream>
#include <sstream>

namespace spindle::services {

Status SeedKeyValue(KeyValueService& service, const std::string& label,
                    const std::vector<std::string>& entries) {
  if (entries.empty()) return Ok();
  Expected<std::shared_ptr<KeyValueBackend>, KvError> backend = service.Backend(label);
  if (!backend.ok()) {
    return MakeError(
        Phase::kUsage,
        "--key-value: cannot open key-value store '" + label + "'" +
            (backend.error().message.empty() ? std::string() : ": " + backend.error().message));
  }
  for (const std::string& entry : entries) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos) {
      return MakeError(Phase::kUsage, "--key-value '" + entry + "': expected KEY=VALUE");
    }
    const std::string value = entry.substr(equals + 1);
    Expected<void, KvError> set =
        (*backend)->Set(entry.substr(0, equals), std::vector<uint8_t>(value.begin(), value.end()));
    if (!set.ok()) {
      return MakeError(Phase::kIo,
                       "--key-value '" + entry.substr(0, equals) + "': " + set.error().message);
    }
  }
  return Ok();
}

Status RunStartupSql(SqliteService& service, const std::string& label, const std::string& sql,
                     const std::filesystem::path& base_dir) {
  std::string statements = sql;
  std::string source = "--sqlite statement";
  if (!sql.empty() && sql[0] == '@') {
    const std::filesystem::path file = base_dir / sql.substr(1);
    std::ifstream in(file, std::ios::binary);
    if (!in) return MakeError(Phase::kIo, "--sqlite: cannot read " + file.string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    statements = buffer.str();
    source = file.string();
  }
  Expected<std::shared_ptr<void>, SqliteError> connection = service.Connect(label);
  if (!connection.ok()) {
    return MakeError(Phase::kUsage,
                     "--sqlite: cannot open database '" + label + "'" +
                         (connection.error().message.empty() ? std::string()
                                                             : ": " + connection.error().message));
  }
  auto* db = static_cast<sqlite3*>(connection->get());
  char* message = nullptr;
  const int code = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &message);
  const std::string reason = message ? message : sqlite3_errstr(code);
  sqlite3_free(message);
  if (code != SQLITE_OK) return MakeError(Phase::kUsage, source + ": " + reason);
  return Ok();
}

}  // namespace spindle::services
