// spin_manifest_version = 2 (spin-compat.md §1.3), with Spin's
// normalization of trigger ids and inline components (§1.4).
#include "app/ids.h"
#include "app/manifest_internal.h"

namespace spindle::app::internal {
namespace {

Status ReadApplication(const TableReader& root, App* app) {
  const toml::table* table = nullptr;
  SPINDLE_TRY(root.ReadTable("application", &table, /*required=*/true));
  const TableReader reader(root.context(), *table, "[application]");
  SPINDLE_TRY(reader.AllowOnly(
      {"name", "version", "description", "authors", "trigger", "tool", "targets"}));
  SPINDLE_TRY(reader.ReadString("name", &app->name, /*required=*/true));
  SPINDLE_TRY(reader.ReadString("version", &app->version));
  SPINDLE_TRY(reader.ReadString("description", &app->description));
  SPINDLE_TRY(reader.ReadStrings("authors", &app->authors));
  const toml::table* tool = nullptr;
  SPINDLE_TRY(reader.ReadTable("tool", &tool));  // settings for other tools; ignored
  std::vector<std::string> targets;              // Spin 3 deployment targets; ignored
  SPINDLE_TRY(reader.ReadStrings("targets", &targets));

  const toml::table* triggers = nullptr;
  SPINDLE_TRY(reader.ReadTable("trigger", &triggers));
  if (!triggers) return Ok();
  const TableReader global(root.context(), *triggers, "[application.trigger]");
  const toml::table* http = nullptr;
  SPINDLE_TRY(global.ReadTable("http", &http));
  if (http) {
    const TableReader settings(root.context(), *http, "[application.trigger.http]");
    SPINDLE_TRY(settings.AllowOnly({"base"}));
    SPINDLE_TRY(settings.ReadString("base", &app->http_base));
  }
  const toml::table* redis = nullptr;
  SPINDLE_TRY(global.ReadTable("redis", &redis));
  if (redis) {
    const TableReader settings(root.context(), *redis, "[application.trigger.redis]");
    SPINDLE_TRY(settings.AllowOnly({"address"}));
    SPINDLE_TRY(settings.ReadString("address", &app->redis_address));
  }
  return Ok();
}

Status ReadComponents(const TableReader& root, App* app) {
  const toml::table* table = nullptr;
  SPINDLE_TRY(root.ReadTable("component", &table));
  if (!table) return Ok();
  for (const TableEntry& entry : InDocumentOrder(*table)) {
    const std::string id(entry.key->str());
    const std::string name = "[component." + id + "]";
    if (const std::string reason = CheckKebabId(id); !reason.empty()) {
      return ManifestError(root.context().At(*entry.key),
                           "invalid component id '" + id + "': " + reason);
    }
    const toml::table* fields = entry.node->as_table();
    if (!fields) {
      return ManifestError(root.At(*entry.node),
                           name + " must be a table, not " + DescribeType(*entry.node));
    }
    const TableReader reader(root.context(), *fields, name);
    SPINDLE_TRY(reader.AllowOnly(ComponentKeysV2()));
    Component component;
    component.id = id;
    SPINDLE_TRY(ReadComponent(reader, 2, app->variables, &component));
    app->components.push_back(std::move(component));
  }
  return Ok();
}

// What one [[trigger.<type>]] shares across types: its id and component.
class TriggerReader {
 public:
  TriggerReader(const TableReader& root, App* app) : root_(root), app_(app) {}

  Status ReadAll() {
    const toml::table* table = nullptr;
    SPINDLE_TRY(root_.ReadTable("trigger", &table, /*required=*/true));
    std::vector<std::pair<std::string, const toml::array*>> types;
    for (const TableEntry& entry : InDocumentOrder(*table)) {
      const std::string type(entry.key->str());
      if (type != "http" && type != "redis") {
        return ManifestError(root_.context().At(*entry.key),
                             "trigger type '" + type +
                                 "' is not supported (Spindle runs http and redis triggers)");
      }
      const toml::array* array = entry.node->as_array();
      if (!array || !array->is_array_of_tables()) {
        return ManifestError(root_.At(*entry.node), "'trigger." + type +
                                                        "' must be an array of tables ([[trigger." +
                                                        type + "]])");
      }
      types.emplace_back(type, array);
      for (const toml::node& trigger : *array) {
        if (const auto* id = trigger.as_table()->get_as<std::string>("id")) ids_.Reserve(id->get());
      }
    }
    for (const auto& [type, array] : types) {
      for (const toml::node& node : *array) SPINDLE_TRY(ReadOne(type, *node.as_table()));
    }
    return Ok();
  }

 private:
  Status ReadOne(const std::string& type, const toml::table& table) {
    const TableReader untitled(root_.context(), table, "[[trigger." + type + "]]");
    if (type == "http") {
      SPINDLE_TRY(untitled.AllowOnly({"id", "component", "route", "executor"}));
    } else {
      SPINDLE_TRY(untitled.AllowOnly({"id", "component", "channel", "address", "executor"}));
    }
    std::string id;
    SPINDLE_TRY(untitled.ReadString("id", &id));
    const toml::node* spec = untitled.Find("component");
    if (!spec) return untitled.Missing("component");
    const auto* reference = spec->as_string();
    if (!reference && !spec->is_table()) {
      return untitled.WrongType("component", *spec, "a component id or an inline component table");
    }
    if (id.empty()) {
      const std::string component = reference ? reference->get() : "";
      id = ids_.Assign(type, reference ? &component : nullptr);
    }
    const TableReader reader(root_.context(), table, "[[trigger." + type + "]] '" + id + "'");
    std::string component;
    if (reference) {
      component = reference->get();
      if (!app_->FindComponent(component)) {
        return reader.Fail(reader.At(*spec), "trigger '" + id + "' names component '" +
                                                 component + "', which is not defined");
      }
    } else {
      SPINDLE_TRY(ReadInline(reader, id, *spec->as_table(), &component));
    }
    if (type == "http") {
      HttpTrigger trigger;
      trigger.id = id;
      trigger.component = component;
      SPINDLE_TRY(ReadHttpTriggerSettings(reader, 2, &trigger));
      SPINDLE_TRY(routes_.Add(reader, trigger));
      app_->http_triggers.push_back(std::move(trigger));
      return Ok();
    }
    RedisTrigger trigger;
    trigger.id = id;
    trigger.component = component;
    SPINDLE_TRY(ReadRedisTriggerSettings(reader, app_->variables, &trigger));
    if (trigger.address.empty()) trigger.address = app_->redis_address;
    if (trigger.address.empty()) {
      return reader.Fail(reader.where(), "trigger '" + id +
                                             "' has no Redis address; set 'address' here or in "
                                             "[application.trigger.redis]");
    }
    app_->redis_triggers.push_back(std::move(trigger));
    return Ok();
  }

  // `{trigger-id}-component` if that is a free kebab id, else
  // `inline-component{N}`.
  Status ReadInline(const TableReader& trigger, const std::string& trigger_id,
                    const toml::table& table, std::string* id) {
    *id = trigger_id + "-component";
    if (!CheckKebabId(*id).empty() || app_->FindComponent(*id)) {
      for (int n = 1;; ++n) {
        *id = "inline-component" + std::to_string(n);
        if (!app_->FindComponent(*id)) break;
      }
    }
    const TableReader reader(trigger.context(), table, "the inline component of " + trigger.name());
    SPINDLE_TRY(reader.AllowOnly(ComponentKeysV2()));
    Component component;
    component.id = *id;
    SPINDLE_TRY(ReadComponent(reader, 2, app_->variables, &component));
    app_->components.push_back(std::move(component));
    return Ok();
  }

  const TableReader& root_;
  App* app_;
  TriggerIds ids_;
  RouteSet routes_;
};

}  // namespace

Status ReadManifestV2(const TableReader& root, App* app) {
  SPINDLE_TRY(root.AllowOnly(
      {"spin_manifest_version", "spin_version", "application", "variables", "trigger", "component"}));
  SPINDLE_TRY(ReadApplication(root, app));
  SPINDLE_TRY(ReadVariables(root, &app->variables));
  SPINDLE_TRY(ReadComponents(root, app));
  return TriggerReader(root, app).ReadAll();
}

}  // namespace spindle::app::internal
