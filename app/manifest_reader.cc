#include "app/manifest_reader.h"

#include <algorithm>

namespace spindle::app::internal {

SourcePosition ManifestContext::At(const toml::source_region& region) const {
  SourcePosition position;
  position.file = file_;
  position.line = static_cast<int>(region.begin.line);
  position.column = static_cast<int>(region.begin.column);
  return position;
}

Error ManifestError(const SourcePosition& where, const std::string& reason) {
  return MakeError(Phase::kUsage, where.ToString() + ": " + reason);
}

std::string DescribeType(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date/time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::vector<TableEntry> InDocumentOrder(const toml::table& table) {
  std::vector<TableEntry> entries;
  for (const auto& [key, node] : table) entries.push_back({&key, &node});
  std::stable_sort(entries.begin(), entries.end(), [](const TableEntry& a, const TableEntry& b) {
    const auto& pa = a.key->source().begin;
    const auto& pb = b.key->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return entries;
}

SourcePosition TableReader::KeyWhere(std::string_view key) const {
  for (const auto& [k, node] : table_) {
    if (k.str() == key) return context_.At(k);
  }
  return where();
}

Error TableReader::WrongType(std::string_view key, const toml::node& node,
                             std::string_view expected) const {
  return Fail(At(node), "'" + std::string(key) + "' in " + name_ + " must be " +
                            std::string(expected) + ", not " + DescribeType(node));
}

Error TableReader::Missing(std::string_view key) const {
  return Fail(where(), name_ + " is missing '" + std::string(key) + "'");
}

Status TableReader::AllowOnly(std::span<const std::string_view> keys) const {
  for (const TableEntry& entry : InDocumentOrder(table_)) {
    const std::string_view key = entry.key->str();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return Fail(context_.At(*entry.key),
                  "unknown key '" + std::string(key) + "' in " + name_);
    }
  }
  return Ok();
}

Status TableReader::ReadString(std::string_view key, std::string* out, bool required) const {
  LocatedString located;
  SPINDLE_TRY(ReadLocatedString(key, &located, required));
  if (Find(key)) *out = std::move(located.value);
  return Ok();
}

Status TableReader::ReadLocatedString(std::string_view key, LocatedString* out,
                                      bool required) const {
  const toml::node* node = Find(key);
  if (!node) return required ? Status(Missing(key)) : Ok();
  const auto* value = node->as_string();
  if (!value) return WrongType(key, *node, "a string");
  out->value = value->get();
  out->where = At(*node);
  return Ok();
}

Status TableReader::ReadBool(std::string_view key, bool* out) const {
  const toml::node* node = Find(key);
  if (!node) return Ok();
  const auto* value = node->as_boolean();
  if (!value) return WrongType(key, *node, "a boolean");
  *out = value->get();
  return Ok();
}

Status TableReader::ReadStrings(std::string_view key, std::vector<std::string>* out) const {
  std::vector<LocatedString> located;
  SPINDLE_TRY(ReadLocatedStrings(key, &located));
  if (!Find(key)) return Ok();
  out->clear();
  for (LocatedString& item : located) out->push_back(std::move(item.value));
  return Ok();
}

Status TableReader::ReadLocatedStrings(std::string_view key,
                                       std::vector<LocatedString>* out) const {
  const toml::node* node = Find(key);
  if (!node) return Ok();
  const toml::array* array = node->as_array();
  if (!array) return WrongType(key, *node, "an array of strings");
  out->clear();
  for (const toml::node& item : *array) {
    const auto* value = item.as_string();
    if (!value) {
      return Fail(At(item), "'" + std::string(key) + "' in " + name_ +
                                " must hold only strings, not " + DescribeType(item));
    }
    out->push_back({value->get(), At(item)});
  }
  return Ok();
}

Status TableReader::ReadStringTable(std::string_view key, std::vector<LocatedPair>* out) const {
  const toml::table* table = nullptr;
  SPINDLE_TRY(ReadTable(key, &table));
  if (!table) return Ok();
  out->clear();
  for (const TableEntry& entry : InDocumentOrder(*table)) {
    const auto* value = entry.node->as_string();
    if (!value) {
      return Fail(At(*entry.node), "'" + std::string(key) + "." + std::string(entry.key->str()) +
                                       "' in " + name_ + " must be a string, not " +
                                       DescribeType(*entry.node));
    }
    out->push_back({std::string(entry.key->str()), value->get(), context_.At(*entry.key),
                    At(*entry.node)});
  }
  return Ok();
}

Status TableReader::ReadTable(std::string_view key, const toml::table** out,
                              bool required) const {
  const toml::node* node = Find(key);
  if (!node) return required ? Status(Missing(key)) : Ok();
  const toml::table* table = node->as_table();
  if (!table) return WrongType(key, *node, "a table");
  *out = table;
  return Ok();
}

}  // namespace spindle::app::internal
