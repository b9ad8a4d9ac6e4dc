// Loading a locked app whose content is in a digest-named directory
// (`<content_dir>/sha256/<hex>`): what `spindle up` does after a pull, and
// what the shim does with a `/spin.json` and the blobs of an image.
#pragma once

#include <filesystem>
#include <string_view>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::oci {

// Writes every `inline` file of the locked app into `content_dir` under its
// digest (verifying that the bytes hash to the declared digest), so the app
// reader finds all content in one place. Existing blobs are kept.
Status MaterializeInlineContent(std::string_view locked_json, const std::filesystem::path& json_path,
                                const std::filesystem::path& content_dir);

// MaterializeInlineContent, then app::ParseLockedApp.
Result<app::App> LoadLockedAppWithContent(const std::filesystem::path& json_path,
                                          const std::filesystem::path& content_dir);

}  // namespace spindle::oci
