#include "services/app_services.h"

namespace spindle::services {
namespace {

Status CheckLabels(const app::Component& component, const std::vector<std::string>& labels,
                   const char* key, const char* section,
                   const std::map<std::string, bool>& configured) {
  for (const std::string& label : labels) {
    if (configured.count(label)) continue;
    return MakeError(Phase::kUsage, component.where.ToString() + ": component '" + component.id +
                                        "' uses " + key + " label '" + label +
                                        "', which has no backend; add [" + section + "." + label +
                                        "] to the runtime config");
  }
  return Ok();
}

}  // namespace

Result<std::unique_ptr<AppServices>> AppServices::Create(const app::App& app,
                                                         const RuntimeConfig& runtime_config,
                                                         AppServicesOptions options) {
  auto out = std::unique_ptr<AppServices>(new AppServices());
  VariablesOptions variables;
  variables.providers = runtime_config.variables_providers;
  variables.working_dir = options.working_dir;
  variables.environment = options.environment;
  SPINDLE_ASSIGN_OR_RETURN(out->variables_, Variables::Create(app, std::move(variables)));
  out->key_value_ = std::make_unique<KeyValueService>(runtime_config);
  out->sqlite_ = std::make_unique<SqliteService>(runtime_config);
  out->http_ = std::make_unique<OutboundHttp>(options.http);
  out->redis_ = std::make_unique<OutboundRedis>(options.redis);
  std::map<std::string, bool> stores;
  for (const auto& entry : runtime_config.key_value_stores) stores[entry.first] = true;
  std::map<std::string, bool> databases;
  for (const auto& entry : runtime_config.sqlite_databases) databases[entry.first] = true;
  for (const app::Component& component : app.components) {
    SPINDLE_TRY(CheckLabels(component, component.key_value_stores, "key_value_stores",
                            "key_value_store", stores));
    SPINDLE_TRY(CheckLabels(component, component.sqlite_databases, "sqlite_databases",
                            "sqlite_database", databases));
    SPINDLE_ASSIGN_OR_RETURN(
        OutboundHosts hosts,
        OutboundHosts::ForComponent(component, *out->variables_, options.self_origin));
    ComponentServices services;
    services.id = component.id;
    services.outbound_hosts = std::move(hosts);
    services.key_value_stores = component.key_value_stores;
    services.sqlite_databases = component.sqlite_databases;
    out->components_[component.id] = std::move(services);
  }
  return out;
}

const ComponentServices* AppServices::Component(std::string_view id) const {
  const auto it = components_.find(id);
  return it == components_.end() ? nullptr : &it->second;
}

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
