#include "oci/locked_app_content.h"

#include <nlohmann/json.hpp>

#include "app/base64.h"
#include "app/locked_app.h"
#include "oci/atomic_file.h"
#include "oci/digest.h"

namespace spindle::oci {
namespace {

using nlohmann::json;

// One content ref: if it is inline, store its bytes and name its digest.
Status Materialize(json& ref, const std::string& where, const std::filesystem::path& content_dir) {
  if (!ref.is_object() || !ref.contains("inline")) return Ok();
  const json& encoded = ref["inline"];
  if (!encoded.is_string()) return MakeError(Phase::kUsage, where + ".inline: must be a base64 string");
  const auto bytes = app::Base64Decode(encoded.get_ref<const std::string&>());
  if (!bytes) return MakeError(Phase::kUsage, where + ".inline: not valid base64");
  const std::string digest = DigestOf(*bytes);
  const auto declared = ref.find("digest");
  if (declared != ref.end() && (!declared->is_string() || *declared != digest)) {
    return MakeError(Phase::kUsage, where + ": digest mismatch: declared " + declared->dump() +
                                        ", inline bytes hash to " + digest);
  }
  ref["digest"] = digest;
  const std::filesystem::path path = app::ContentPath(content_dir, digest);
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) {
    auto existing = DigestOfFile(path);
    if (existing.ok() && existing->digest == digest) return Ok();
  }
  return WriteFileAtomically(path, *bytes);
}

}  // namespace

Result<std::string> MaterializeInlineContent(std::string_view locked_json,
                                             const std::filesystem::path& json_path,
                                             const std::filesystem::path& content_dir) {
  json document = json::parse(locked_json, nullptr, /*allow_exceptions=*/false);
  // Syntax errors are reported, with their offset, by app::ParseLockedApp.
  if (!document.is_object()) return std::string(locked_json);
  auto components = document.find("components");
  if (components == document.end() || !components->is_array()) return std::string(locked_json);
  for (size_t i = 0; i < components->size(); ++i) {
    json& component = (*components)[i];
    if (!component.is_object()) continue;
    const std::string where = json_path.string() + ": components[" + std::to_string(i) + "]";
    if (component.contains("source")) SPINDLE_TRY(Materialize(component["source"], where + ".source", content_dir));
    auto files = component.find("files");
    if (files == component.end() || !files->is_array()) continue;
    for (size_t f = 0; f < files->size(); ++f) {
      SPINDLE_TRY(Materialize((*files)[f], where + ".files[" + std::to_string(f) + "]", content_dir));
    }
  }
  return document.dump();
}

Result<app::App> LoadLockedAppWithContent(const std::filesystem::path& json_path,
                                          const std::filesystem::path& content_dir) {
  SPINDLE_ASSIGN_OR_RETURN(std::string text, ReadFileToString(json_path));
  SPINDLE_ASSIGN_OR_RETURN(std::string normalized, MaterializeInlineContent(text, json_path, content_dir));
  return app::ParseLockedApp(normalized, json_path, content_dir);
}

}  // namespace spindle::oci
