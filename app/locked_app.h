// Spin's locked app (LockedApp JSON, containerd-and-oci.md §3 and
// spin-compat.md §1.9): the self-contained form of an app that `spin
// registry push` stores as its last layer and that runtimes load instead of
// spin.toml. Content (component sources, files) is named by digest; files
// of at most kInlineLimit bytes also carry their bytes inline (base64).
//
// The app layer computes no hashes: the writer asks the caller for digests
// (oci/ uses SHA-256), and the reader expects every named digest to be a
// file `<content_dir>/sha256/<hex>` (oci::MaterializeInlineContent writes
// the inline ones there and fills in digests Spin may leave out).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::app {

inline constexpr uint64_t kInlineLimit = 128;

struct ContentInfo {
  std::string digest;  // "sha256:<hex>"
  uint64_t size = 0;
};
using ContentDigester = std::function<Result<ContentInfo>(const std::filesystem::path&)>;

// One piece of content the locked app refers to by digest.
struct LockedContent {
  std::string digest;
  uint64_t size = 0;
  std::filesystem::path path;  // where it is on this machine
};

struct LockedApp {
  std::string json;                  // compact, keys sorted: same app, same bytes
  std::vector<LockedContent> wasm;   // component sources, one entry per digest
  std::vector<LockedContent> data;   // files over kInlineLimit, one entry per digest
  std::vector<LockedContent> inline_content;  // the inlined files, one entry per digest
};

// Locks a loaded app: resolves every component's `files` (directories
// expanded to their files, exclude_files applied) and names all content by
// digest. Errors are app::ResolveFiles's or the digester's.
Result<LockedApp> LockApp(const App& app, const ContentDigester& digest_of);

// Reads a locked app back into the App model. Components' sources and files
// point into `content_dir` (which becomes App::root); `file://` component
// sources are also accepted. Errors (Phase::kUsage) name the JSON file, the
// JSON path ("components[0].files[2]") and the reason; JSON syntax errors
// give the byte offset. Missing content is an error naming its digest.
Result<App> ParseLockedApp(std::string_view text, const std::filesystem::path& json_path,
                           const std::filesystem::path& content_dir);
Result<App> LoadLockedApp(const std::filesystem::path& json_path,
                          const std::filesystem::path& content_dir);

// The path a digest's content has under `content_dir`.
std::filesystem::path ContentPath(const std::filesystem::path& content_dir, std::string_view digest);

}  // namespace spindle::app
