// spin_manifest_version = "1" (spin-compat.md §1.2), read straight into the
// normalized model the way Spin converts it to v2 (§1.4).
#include <map>

#include "app/ids.h"
#include "app/manifest_internal.h"

namespace spindle::app::internal {
namespace {

enum class TriggerType { kHttp, kRedis };

// trigger = { type = "http", base = "/" } | { type = "redis", address = "..." }
Status ReadAppTrigger(const TableReader& root, App* app, TriggerType* type) {
  const toml::node* node = root.Find("trigger");
  if (!node) return root.Missing("trigger");
  const toml::table* table = node->as_table();
  if (!table) return root.WrongType("trigger", *node, "a table like { type = \"http\", base = \"/\" }");
  const TableReader reader(root.context(), *table, "the application trigger");
  LocatedString name;
  SPINDLE_TRY(reader.ReadLocatedString("type", &name, true));
  if (name.value == "http") {
    *type = TriggerType::kHttp;
    SPINDLE_TRY(reader.AllowOnly({"type", "base"}));
    // Spin 1 required `base`; Spin 2+ default it to "/", and many v1
    // manifests written since leave it out.
    return reader.ReadString("base", &app->http_base, false);
  }
  if (name.value == "redis") {
    *type = TriggerType::kRedis;
    SPINDLE_TRY(reader.AllowOnly({"type", "address"}));
    return reader.ReadString("address", &app->redis_address, /*required=*/true);
  }
  return reader.Fail(name.where, "trigger type '" + name.value +
                                     "' is not supported (Spindle runs http and redis triggers)");
}

Status ReadComponentTrigger(const TableReader& component_table, TriggerType type,
                            const std::string& id, const std::vector<Variable>& variables,
                            RouteSet* routes, App* app) {
  const toml::table* table = nullptr;
  SPINDLE_TRY(component_table.ReadTable("trigger", &table, /*required=*/true));
  const TableReader reader(component_table.context(), *table,
                           "[component.trigger] of '" + id + "'");
  if (type == TriggerType::kHttp) {
    SPINDLE_TRY(reader.AllowOnly({"route", "executor"}));
    HttpTrigger trigger;
    trigger.id = "trigger-" + id;
    trigger.component = id;
    SPINDLE_TRY(ReadHttpTriggerSettings(reader, 1, &trigger));
    SPINDLE_TRY(routes->Add(reader, trigger));
    app->http_triggers.push_back(std::move(trigger));
    return Ok();
  }
  SPINDLE_TRY(reader.AllowOnly({"channel", "address", "executor"}));
  RedisTrigger trigger;
  trigger.id = "trigger-" + id;
  trigger.component = id;
  SPINDLE_TRY(ReadRedisTriggerSettings(reader, variables, &trigger));
  if (trigger.address.empty()) trigger.address = app->redis_address;
  app->redis_triggers.push_back(std::move(trigger));
  return Ok();
}

}  // namespace

Status ReadManifestV1(const TableReader& root, App* app) {
  SPINDLE_TRY(root.AllowOnly({"spin_manifest_version", "spin_version", "name", "version",
                              "description", "authors", "trigger", "variables", "component"}));
  SPINDLE_TRY(root.ReadString("name", &app->name, /*required=*/true));
  SPINDLE_TRY(root.ReadString("version", &app->version));
  SPINDLE_TRY(root.ReadString("description", &app->description));
  SPINDLE_TRY(root.ReadStrings("authors", &app->authors));
  TriggerType type = TriggerType::kHttp;
  SPINDLE_TRY(ReadAppTrigger(root, app, &type));
  SPINDLE_TRY(ReadVariables(root, &app->variables));

  const toml::node* components = root.Find("component");
  if (!components) return Ok();
  const toml::array* array = components->as_array();
  if (!array || !array->is_array_of_tables()) {
    return root.WrongType("component", *components, "an array of tables ([[component]])");
  }
  std::map<std::string, SourcePosition> seen;
  RouteSet routes;
  for (const toml::node& node : *array) {
    const toml::table& table = *node.as_table();
    const TableReader untitled(root.context(), table, "[[component]]");
    LocatedString id;
    SPINDLE_TRY(untitled.ReadLocatedString("id", &id, /*required=*/true));
    const TableReader reader(root.context(), table, "[[component]] '" + id.value + "'");
    SPINDLE_TRY(reader.AllowOnly(ComponentKeysV1()));
    Component component;
    // Spin 2+ converts v1 ids to kebab ids and rejects what still is not
    // one; Spin 1 accepted any id of letters, digits, '-' and '_', so those
    // are kept (converted the same way) for Spin 1 apps to load unchanged.
    component.id = KebabFromV1Id(id.value);
    if (const std::string reason = CheckKebabId(component.id);
        !reason.empty() && !IsSpin1ComponentId(id.value)) {
      return reader.Fail(id.where, "invalid component id '" + id.value + "': " + reason);
    }
    if (const auto [it, inserted] = seen.emplace(component.id, id.where); !inserted) {
      return reader.Fail(id.where, "duplicate component id '" + component.id +
                                       "' (first defined at " + it->second.ToString() + ")");
    }
    SPINDLE_TRY(ReadComponent(reader, 1, app->variables, &component));
    SPINDLE_TRY(ReadComponentTrigger(reader, type, component.id, app->variables, &routes, app));
    app->components.push_back(std::move(component));
  }
  return Ok();
}

}  // namespace spindle::app::internal
