// HTTP and Redis trigger settings, trigger ids and the duplicate-route check.
#include "app/manifest_internal.h"

namespace spindle::app::internal {
namespace {

Status ReadHttpExecutor(const TableReader& trigger, HttpExecutor* out) {
  const toml::table* table = nullptr;
  SPINDLE_TRY(trigger.ReadTable("executor", &table));
  if (!table) return Ok();
  const TableReader reader(trigger.context(), *table, "the executor of " + trigger.name());
  LocatedString type;
  SPINDLE_TRY(reader.ReadLocatedString("type", &type, true));
  if (type.value == "spin" || type.value == "http") {
    SPINDLE_TRY(reader.AllowOnly({"type"}));
    out->kind = HttpExecutor::Kind::kSpin;
    return Ok();
  }
  if (type.value == "wagi") {
    SPINDLE_TRY(reader.AllowOnly({"type", "argv", "entrypoint"}));
    out->kind = HttpExecutor::Kind::kWagi;
    SPINDLE_TRY(reader.ReadString("argv", &out->argv));
    SPINDLE_TRY(reader.ReadString("entrypoint", &out->entrypoint));
    return Ok();
  }
  return reader.Fail(type.where, "unknown HTTP executor type '" + type.value +
                                     "' (expected \"spin\", \"http\" or \"wagi\")");
}

// "/cart/" and "cart" are the route "/cart"; "/x/*" is "/x/...".
std::string RouteKey(std::string route) {
  if (route.empty() || route[0] != '/') route.insert(route.begin(), '/');
  if (route.size() >= 2 && route.compare(route.size() - 2, 2, "/*") == 0) {
    route.replace(route.size() - 1, 1, "...");
  }
  while (route.size() > 1 && route.back() == '/') route.pop_back();
  return route;
}

}  // namespace

Status ReadHttpTriggerSettings(const TableReader& table, int version, HttpTrigger* out) {
  out->where = table.where();
  const toml::node* route = table.Find("route");
  if (!route) return table.Missing("route");
  if (const toml::table* options = route->as_table(); options && version == 2) {
    const TableReader reader(table.context(), *options, "the route of " + table.name());
    SPINDLE_TRY(reader.AllowOnly({"private"}));
    bool is_private = false;
    SPINDLE_TRY(reader.ReadBool("private", &is_private));
    if (!is_private) {
      return reader.Fail(reader.where(), "a route table must be { private = true }");
    }
    out->is_private = true;
    out->route.clear();
  } else if (const auto* text = route->as_string()) {
    out->route = text->get();
  } else {
    return table.WrongType("route", *route,
                           version == 2 ? "a string or { private = true }" : "a string");
  }
  return ReadHttpExecutor(table, &out->executor);
}

Status ReadRedisTriggerSettings(const TableReader& table, const std::vector<Variable>& variables,
                                RedisTrigger* out) {
  out->where = table.where();
  LocatedString channel;
  SPINDLE_TRY(table.ReadLocatedString("channel", &channel, true));
  SPINDLE_TRY(CheckTemplate(channel, variables));
  out->channel = channel.value;
  if (table.Find("address")) {
    LocatedString address;
    SPINDLE_TRY(table.ReadLocatedString("address", &address));
    SPINDLE_TRY(CheckTemplate(address, variables));
    out->address = address.value;
  }
  const toml::table* executor = nullptr;
  SPINDLE_TRY(table.ReadTable("executor", &executor));
  if (executor) {
    const TableReader reader(table.context(), *executor, "the executor of " + table.name());
    SPINDLE_TRY(reader.AllowOnly({"type"}));
    LocatedString type;
    SPINDLE_TRY(reader.ReadLocatedString("type", &type, true));
    if (type.value != "spin") {
      return reader.Fail(type.where, "unknown Redis executor type '" + type.value +
                                         "' (expected \"spin\")");
    }
  }
  return Ok();
}

Status RouteSet::Add(const TableReader& table, const HttpTrigger& trigger) {
  if (trigger.is_private) return Ok();
  const toml::node* node = table.Find("route");
  const SourcePosition where = node ? table.At(*node) : trigger.where;
  const auto [it, inserted] = routes_.emplace(RouteKey(trigger.route), Seen{trigger.component, where});
  if (inserted) return Ok();
  return table.Fail(where, "duplicate route '" + trigger.route + "' (component '" +
                               trigger.component + "'); component '" + it->second.component +
                               "' already has it at " + it->second.where.ToString());
}

std::string TriggerIds::Assign(const std::string& type, const std::string* component) {
  if (component) {
    std::string natural = *component + "-" + type + "-trigger";
    if (used_.insert(natural).second) return natural;
  }
  int& counter = counters_.emplace(type, 1).first->second;
  while (true) {
    std::string id = type + "-trigger" + std::to_string(counter);
    if (used_.insert(id).second) return id;
    ++counter;
  }
}

}  // namespace spindle::app::internal
