// Loading a Spin application manifest (spin.toml, v1 or v2) into the App
// model. Every rule is in docs/manifest.md; what Spin does is in
// /work/shared/docs/spin-compat.md §1.
//
// Errors are Phase::kUsage (kIo when the file cannot be read) and their
// message reads "spin.toml:14:1: unknown key 'sorce' in [[component]] 'cart'":
// the manifest as the caller named it, the line and column of the offending
// key or value, and the reason. Loading stops at the first error.
#pragma once

#include <filesystem>
#include <string_view>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::app {

// Reads and checks `file_or_dir` (a directory means `<dir>/spin.toml`). On
// success every component's `source` exists, every trigger names a defined
// component, trigger ids and inline components are normalized, and
// allowed_http_hosts are folded into allowed_outbound_hosts. Files are not
// resolved here (see ResolveFiles in app/files.h).
Result<App> LoadManifest(const std::filesystem::path& file_or_dir);

// The same from text in memory: `manifest_path` names the manifest in
// messages and its directory is the app root (component sources are still
// looked up on disk).
Result<App> ParseManifest(std::string_view text, const std::filesystem::path& manifest_path);

}  // namespace spindle::app
