// All host services of one app, built once at startup from the App and its
// runtime config, plus the per-guest-instance view the Spin 1 bindings use.
//
//   auto services = AppServices::Create(app, runtime_config, options);   // startup
//   InstanceServices instance(**services, *services->Component("cart"));  // per request
//   instance.key_value().Open("default"); instance.GetConfig("api_url"); ...
//
// Startup checks: every required variable has a value; every component's
// `key_value_stores` and `sqlite_databases` label has a backend; every
// allowed_outbound_hosts template renders to a valid entry.
//
// Thread safety: AppServices is shared by all worker threads. An
// InstanceServices belongs to one guest instance (one request).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"
#include "services/key_value.h"
#include "services/outbound_hosts.h"
#include "services/outbound_http.h"
#include "services/outbound_redis.h"
#include "services/runtime_config.h"
#include "services/sqlite_database.h"
#include "services/variables.h"

namespace spindle::services {

struct AppServicesOptions {
  std::string self_origin;            // e.g. "http://127.0.0.1:3000"
  std::filesystem::path working_dir;  // for `.env`; empty = current directory
  EnvironmentLookup environment;      // defaults to getenv
  OutboundHttpOptions http;
  OutboundRedisOptions redis;
};

// What one component may use, resolved at startup.
struct ComponentServices {
  std::string id;
  OutboundHosts outbound_hosts;
  std::vector<std::string> key_value_stores;
  std::vector<std::string> sqlite_databases;
};

class AppServices {
 public:
  static Result<std::unique_ptr<AppServices>> Create(const app::App& app,
                                                     const RuntimeConfig& runtime_config,
                                                     AppServicesOptions options = {});

  // nullptr for an unknown component id.
  const ComponentServices* Component(std::string_view id) const;

  const Variables& variables() const { return *variables_; }
  KeyValueService& key_value() { return *key_value_; }
  SqliteService& sqlite() { return *sqlite_; }
  const OutboundHttp& http() const { return *http_; }
  OutboundRedis& redis() { return *redis_; }

 private:
  AppServices() = default;

  std::unique_ptr<Variables> variables_;
  std::unique_ptr<KeyValueService> key_value_;
  std::unique_ptr<SqliteService> sqlite_;
  std::unique_ptr<OutboundHttp> http_;
  std::unique_ptr<OutboundRedis> redis_;
  std::map<std::string, ComponentServices, std::less<>> components_;
};

// One guest instance's services: its KV and SQLite handle tables, and the
// component's permissions applied to every call.
class InstanceServices {
 public:
  InstanceServices(AppServices& app, const ComponentServices& component);

  const ComponentServices& component() const { return component_; }
  KeyValueSession& key_value() { return key_value_; }
  SqliteSession& sqlite() { return sqlite_; }
  OutboundRedis& redis() { return app_.redis(); }  // pass outbound_hosts()
  const OutboundHosts& outbound_hosts() const { return component_.outbound_hosts; }

  // spin-config.get-config
  Expected<std::string, ConfigError> GetConfig(std::string_view key) const;
  // wasi-outbound-http.request
  Expected<HttpResponse, HttpError> SendHttp(const HttpRequest& request) const;

 private:
  AppServices& app_;
  const ComponentServices& component_;
  KeyValueSession key_value_;
  SqliteSession sqlite_;
};

}  // namespace spindle::services
