// Loading a locked app whose content is in a digest-named directory
// (`<content_dir>/sha256/<hex>`): what `spindle up` does after a pull, and
// what the shim does with a `/spin.json` and the blobs of an image.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::oci {

// Writes the bytes of every `inline` content ref (component sources and
// files) into `content_dir` under their SHA-256, checks them against a
// declared `digest`, and returns the locked app with every inline ref's
// `digest` filled in (Spin may omit it), so app::ParseLockedApp finds all
// content in one place. Existing good blobs are kept.
Result<std::string> MaterializeInlineContent(std::string_view locked_json,
                                             const std::filesystem::path& json_path,
                                             const std::filesystem::path& content_dir);

// MaterializeInlineContent, then app::ParseLockedApp.
Result<app::App> LoadLockedAppWithContent(const std::filesystem::path& json_path,
                                          const std::filesystem::path& content_dir);

}  // namespace spindle::oci
