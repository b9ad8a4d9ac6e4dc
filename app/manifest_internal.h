// Private to app/: the pieces shared by the v1 and v2 manifest readers.
#pragma once

#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/manifest_reader.h"

namespace spindle::app::internal {

// v1 (manifest_v1.cc) and v2 (manifest_v2.cc) readers; `app` already has
// its paths set.
Status ReadManifestV1(const TableReader& root, App* app);
Status ReadManifestV2(const TableReader& root, App* app);

// [variables] (manifest_variables.cc).
Status ReadVariables(const TableReader& root, std::vector<Variable>* out);

// Checks a `{{ var }}` template and that each variable it names is declared.
Status CheckTemplate(const LocatedString& text, const std::vector<Variable>& variables);

// The component fields common to v1 and v2 (manifest_component.cc). The
// caller has checked the table's keys and sets `id`; this reads every other
// field, checks that `source` exists and converts allowed_http_hosts.
// `version` picks v1 (`config`, the legacy database hosts) or v2
// (`variables`, label rules).
Status ReadComponent(const TableReader& table, int version, const std::vector<Variable>& variables,
                     Component* out);

// The keys a component table may hold, per manifest version.
std::span<const std::string_view> ComponentKeysV1();
std::span<const std::string_view> ComponentKeysV2();

// Trigger settings (manifest_triggers.cc). The caller has checked the keys.
Status ReadHttpTriggerSettings(const TableReader& table, int version, HttpTrigger* out);
Status ReadRedisTriggerSettings(const TableReader& table, const std::vector<Variable>& variables,
                                RedisTrigger* out);

// Duplicate routes among HTTP triggers are errors (Spin keeps the last).
class RouteSet {
 public:
  Status Add(const TableReader& table, const HttpTrigger& trigger);

 private:
  struct Seen {
    std::string component;
    SourcePosition where;
  };
  std::map<std::string, Seen> routes_;
};

// Spin's trigger-id normalization (spin-compat.md §1.4).
class TriggerIds {
 public:
  void Reserve(const std::string& id) { used_.insert(id); }
  // `{component}-{type}-trigger` when `component` is a reference and that id
  // is free, else `{type}-trigger{N}`.
  std::string Assign(const std::string& type, const std::string* component);

 private:
  std::set<std::string> used_;
  std::map<std::string, int> counters_;
};

}  // namespace spindle::app::internal
