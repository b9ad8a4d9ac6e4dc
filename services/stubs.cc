// Temporary: lets the public headers link while the services are written.
#include "services/app_services.h"

namespace spindle::services {
namespace {
Error NotYet() { return MakeError(Phase::kUsage, "not implemented yet"); }
}  // namespace

Result<OutboundHosts> OutboundHosts::Create(const std::vector<std::string>&, OutboundHostsOptions) {
  return NotYet();
}
Result<OutboundHosts> OutboundHosts::ForComponent(const app::Component&, const Variables&,
                                                  std::string) {
  return NotYet();
}
HostCheck OutboundHosts::Check(std::string_view, std::string_view) const { return {}; }
bool OutboundHosts::IsRelative(std::string_view url) { return !url.empty() && url[0] == '/'; }

RuntimeConfig DefaultRuntimeConfig(const std::filesystem::path&) { return {}; }
Result<RuntimeConfig> LoadRuntimeConfig(const std::filesystem::path&, const std::filesystem::path&,
                                        const std::optional<std::filesystem::path>&) {
  return NotYet();
}
Result<RuntimeConfig> ParseRuntimeConfig(std::string_view, const std::filesystem::path&,
                                         const std::filesystem::path&,
                                         const std::optional<std::filesystem::path>&) {
  return NotYet();
}

Result<std::unique_ptr<Variables>> Variables::Create(const app::App&, VariablesOptions) {
  return NotYet();
}
Expected<std::string, ConfigError> Variables::Get(std::string_view, std::string_view) const {
  return Fail(ConfigError{ConfigError::Kind::kOther, "not implemented yet"});
}
Result<std::string> Variables::Render(std::string_view) const { return NotYet(); }
bool Variables::ReferencesSecret(std::string_view) const { return false; }
std::optional<std::string> Variables::Value(std::string_view) const { return std::nullopt; }

struct KeyValueService::State {};
KeyValueService::KeyValueService(const RuntimeConfig&) {}
KeyValueService::~KeyValueService() = default;
Expected<std::shared_ptr<KeyValueBackend>, KvError> KeyValueService::Backend(const std::string&) {
  return Fail(KvError{KvError::Kind::kNoSuchStore, ""});
}
bool KeyValueService::HasStore(const std::string&) const { return false; }
KeyValueSession::KeyValueSession(KeyValueService& service, std::vector<std::string> labels,
                                 size_t max_handles)
    : service_(service), allowed_labels_(std::move(labels)), max_handles_(max_handles) {}
Expected<uint32_t, KvError> KeyValueSession::Open(const std::string&) {
  return Fail(KvError{KvError::Kind::kNoSuchStore, ""});
}
Expected<std::vector<uint8_t>, KvError> KeyValueSession::Get(uint32_t, const std::string&) {
  return Fail(KvError{KvError::Kind::kInvalidStore, ""});
}
Expected<void, KvError> KeyValueSession::Set(uint32_t, const std::string&,
                                             const std::vector<uint8_t>&) {
  return Fail(KvError{KvError::Kind::kInvalidStore, ""});
}
Expected<void, KvError> KeyValueSession::Delete(uint32_t, const std::string&) {
  return Fail(KvError{KvError::Kind::kInvalidStore, ""});
}
Expected<bool, KvError> KeyValueSession::Exists(uint32_t, const std::string&) {
  return Fail(KvError{KvError::Kind::kInvalidStore, ""});
}
Expected<std::vector<std::string>, KvError> KeyValueSession::GetKeys(uint32_t) {
  return Fail(KvError{KvError::Kind::kInvalidStore, ""});
}
void KeyValueSession::Close(uint32_t) {}

struct SqliteService::State {};
SqliteService::SqliteService(const RuntimeConfig&) {}
SqliteService::~SqliteService() = default;
bool SqliteService::HasDatabase(const std::string&) const { return false; }
Expected<std::shared_ptr<void>, SqliteError> SqliteService::Connect(const std::string&) {
  return Fail(SqliteError{SqliteError::Kind::kNoSuchDatabase, ""});
}
SqliteSession::SqliteSession(SqliteService& service, std::vector<std::string> labels,
                             size_t max_connections)
    : service_(service), allowed_labels_(std::move(labels)), max_connections_(max_connections) {}
Expected<uint32_t, SqliteError> SqliteSession::Open(const std::string& name) {
  if (service_.HasDatabase(name) && connections_.size() < max_connections_) return next_handle_++;
  return Fail(SqliteError{SqliteError::Kind::kNoSuchDatabase, ""});
}
Expected<QueryResult, SqliteError> SqliteSession::Execute(uint32_t, const std::string&,
                                                          const std::vector<SqlValue>&) {
  return Fail(SqliteError{SqliteError::Kind::kInvalidConnection, ""});
}
void SqliteSession::Close(uint32_t) {}

const char* HttpErrorName(HttpError) { return "http-error"; }
OutboundHttp::OutboundHttp(OutboundHttpOptions options) : options_(options) {}
Expected<HttpResponse, HttpError> OutboundHttp::Send(const HttpRequest&, const OutboundHosts&,
                                                     const std::string&) const {
  return Fail(HttpError::kRuntimeError);
}

struct OutboundRedis::Pool {};
OutboundRedis::OutboundRedis(OutboundRedisOptions options) : options_(options) {}
OutboundRedis::~OutboundRedis() = default;

Result<std::unique_ptr<AppServices>> AppServices::Create(const app::App&, const RuntimeConfig&,
                                                         AppServicesOptions) {
  return NotYet();
}
const ComponentServices* AppServices::Component(std::string_view) const { return nullptr; }
InstanceServices::InstanceServices(AppServices& app, const ComponentServices& component)
    : app_(app),
      component_(component),
      key_value_(app.key_value(), component.key_value_stores),
      sqlite_(app.sqlite(), component.sqlite_databases) {}
Expected<std::string, ConfigError> InstanceServices::GetConfig(std::string_view key) const {
  return app_.variables().Get(component_.id, key);
}
Expected<HttpResponse, HttpError> InstanceServices::SendHttp(const HttpRequest& request) const {
  return app_.http().Send(request, component_.outbound_hosts, component_.id);
}

}  // namespace spindle::services
