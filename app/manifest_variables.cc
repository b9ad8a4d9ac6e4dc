// [variables] and the `{{ var }}` references to them.
#include <algorithm>

#include "app/ids.h"
#include "app/manifest_internal.h"
#include "app/template.h"

namespace spindle::app::internal {

Status ReadVariables(const TableReader& root, std::vector<Variable>* out) {
  const toml::table* table = nullptr;
  SPINDLE_TRY(root.ReadTable("variables", &table));
  if (!table) return Ok();
  for (const TableEntry& entry : InDocumentOrder(*table)) {
    const std::string name(entry.key->str());
    const SourcePosition key_where = root.context().At(*entry.key);
    if (const std::string reason = CheckLowerSnakeId(name); !reason.empty()) {
      return ManifestError(key_where, "invalid variable name '" + name + "': " + reason);
    }
    const toml::table* fields = entry.node->as_table();
    if (!fields) {
      return ManifestError(root.At(*entry.node),
                           "variable '" + name + "' must be a table like { default = \"...\" } "
                           "or { required = true }, not " + DescribeType(*entry.node));
    }
    const TableReader reader(root.context(), *fields, "variable '" + name + "'");
    SPINDLE_TRY(reader.AllowOnly({"default", "required", "secret"}));
    Variable variable;
    variable.name = name;
    variable.where = key_where;
    if (reader.Find("default")) {
      std::string value;
      SPINDLE_TRY(reader.ReadString("default", &value));
      variable.default_value = std::move(value);
    }
    SPINDLE_TRY(reader.ReadBool("required", &variable.required));
    SPINDLE_TRY(reader.ReadBool("secret", &variable.secret));
    if (variable.required == variable.default_value.has_value()) {
      return ManifestError(key_where, "variable '" + name +
                                          "' must be `required` OR have a `default`");
    }
    out->push_back(std::move(variable));
  }
  return Ok();
}

Status CheckTemplate(const LocatedString& text, const std::vector<Variable>& variables) {
  Result<std::vector<TemplatePart>> parts = ParseTemplate(text.value);
  if (!parts.ok()) return ManifestError(text.where, parts.error().message);
  for (const TemplatePart& part : *parts) {
    if (!part.is_expression) continue;
    const bool declared = std::any_of(variables.begin(), variables.end(),
                                      [&](const Variable& v) { return v.name == part.text; });
    if (!declared) {
      return ManifestError(text.where, "'{{ " + part.text + " }}' names variable '" + part.text +
                                           "', which is not declared in [variables]");
    }
  }
  return Ok();
}

}  // namespace spindle::app::internal
