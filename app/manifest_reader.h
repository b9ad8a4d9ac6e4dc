// Private to app/: reading toml++ tables into the App model with positions.
// Every error names where it was written, "spin.toml:14:1: reason".
//
// toml++ is used without exceptions (TOML_EXCEPTIONS=0, set for
// spindle_app in app/CMakeLists.txt) and compiled once, in toml_impl.cc.
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::app::internal {

// The manifest being loaded: the file name used in messages and the app root.
class ManifestContext {
 public:
  ManifestContext(std::string file, std::filesystem::path root)
      : file_(std::move(file)), root_(std::move(root)) {}

  const std::string& file() const { return file_; }
  const std::filesystem::path& root() const { return root_; }

  SourcePosition At(const toml::source_region& region) const;
  SourcePosition At(const toml::node& node) const { return At(node.source()); }
  SourcePosition At(const toml::key& key) const { return At(key.source()); }

 private:
  std::string file_;
  std::filesystem::path root_;
};

// An error of Phase::kUsage whose message is "<where>: <reason>".
Error ManifestError(const SourcePosition& where, const std::string& reason);

// "a string", "an integer", "a table", ... for type errors.
std::string DescribeType(const toml::node& node);

struct LocatedString {
  std::string value;
  SourcePosition where;
};

struct LocatedPair {
  std::string key;
  std::string value;
  SourcePosition key_where;
  SourcePosition value_where;
};

struct TableEntry {
  const toml::key* key;
  const toml::node* node;
};

// The table's entries in the order they were written (toml++ keeps them
// sorted by name).
std::vector<TableEntry> InDocumentOrder(const toml::table& table);

// One table of the manifest, named for messages: "[application]",
// "[[component]] 'cart'", "[component.cart]", "the top-level table".
class TableReader {
 public:
  TableReader(const ManifestContext& context, const toml::table& table, std::string name)
      : context_(context), table_(table), name_(std::move(name)) {}

  const ManifestContext& context() const { return context_; }
  const toml::table& table() const { return table_; }
  const std::string& name() const { return name_; }
  SourcePosition where() const { return context_.At(table_); }
  SourcePosition At(const toml::node& node) const { return context_.At(node); }

  const toml::node* Find(std::string_view key) const { return table_.get(key); }
  // The key's position, or the table's when the key is absent.
  SourcePosition KeyWhere(std::string_view key) const;

  Error Fail(const SourcePosition& where, const std::string& reason) const {
    return ManifestError(where, reason);
  }
  // "'<key>' in <name> must be <expected>, not <actual>", at the value.
  Error WrongType(std::string_view key, const toml::node& node, std::string_view expected) const;
  // "<name> is missing '<key>'", at the table.
  Error Missing(std::string_view key) const;

  // deny_unknown_fields: the first key (in document order) not in `keys` is
  // an error "unknown key '<key>' in <name>".
  Status AllowOnly(std::span<const std::string_view> keys) const;
  Status AllowOnly(std::initializer_list<std::string_view> keys) const {
    return AllowOnly(std::span<const std::string_view>(keys.begin(), keys.size()));
  }

  // Typed reads. An absent key leaves `out` unchanged and succeeds, unless
  // the read is `required`.
  Status ReadString(std::string_view key, std::string* out, bool required = false) const;
  Status ReadLocatedString(std::string_view key, LocatedString* out, bool required = false) const;
  Status ReadBool(std::string_view key, bool* out) const;
  Status ReadStrings(std::string_view key, std::vector<std::string>* out) const;
  Status ReadLocatedStrings(std::string_view key, std::vector<LocatedString>* out) const;
  // A table of string values (environment, variables), in document order.
  Status ReadStringTable(std::string_view key, std::vector<LocatedPair>* out) const;
  Status ReadTable(std::string_view key, const toml::table** out, bool required = false) const;

 private:
  const ManifestContext& context_;
  const toml::table& table_;
  std::string name_;
};

}  // namespace spindle::app::internal
