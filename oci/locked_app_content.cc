#include "oci/locked_app_content.h"

#include "app/locked_app.h"
#include "oci/atomic_file.h"
#include "oci/digest.h"

namespace spindle::oci {

Status MaterializeInlineContent(std::string_view locked_json, const std::filesystem::path& json_path,
                                const std::filesystem::path& content_dir) {
  SPINDLE_ASSIGN_OR_RETURN(std::vector<app::InlineContent> inline_files,
                           app::ListInlineContent(locked_json, json_path));
  for (const app::InlineContent& content : inline_files) {
    const std::string digest = DigestOf(content.bytes);
    if (!content.digest.empty() && content.digest != digest) {
      return MakeError(Phase::kUsage, content.where + ": digest mismatch: declared " + content.digest +
                                          ", inline bytes hash to " + digest);
    }
    if (content.digest.empty()) {
      return MakeError(Phase::kUsage, content.where + ": inline content needs a digest");
    }
    const std::filesystem::path path = app::ContentPath(content_dir, digest);
    std::error_code error;
    if (std::filesystem::is_regular_file(path, error)) {
      auto existing = DigestOfFile(path);
      if (existing.ok() && existing->digest == digest) continue;
    }
    SPINDLE_TRY(WriteFileAtomically(path, content.bytes));
  }
  return Ok();
}

Result<app::App> LoadLockedAppWithContent(const std::filesystem::path& json_path,
                                          const std::filesystem::path& content_dir) {
  SPINDLE_ASSIGN_OR_RETURN(std::string text, ReadFileToString(json_path));
  SPINDLE_TRY(MaterializeInlineContent(text, json_path, content_dir));
  return app::ParseLockedApp(text, json_path, content_dir);
}

}  // namespace spindle::oci
