#include "cli/app_source.h"

#include <cstdio>
#include <filesystem>

#include "app/manifest.h"
#include "oci/cache.h"
#include "oci/locked_app_content.h"
#include "oci/pull.h"

namespace spindle::cli {
namespace {

namespace fs = std::filesystem;

Result<LoadedApp> FromRegistry(const std::string& text, bool insecure) {
  SPINDLE_ASSIGN_OR_RETURN(oci::Reference reference, oci::ParseReference(text));
  oci::PullOptions options;
  options.registry.insecure = insecure;
  options.warn = [](const std::string& message) {
    std::fprintf(stderr, "spindle: warning: %s\n", message.c_str());
  };
  SPINDLE_ASSIGN_OR_RETURN(oci::PulledApp pulled, oci::PullApp(reference, options));
  std::fprintf(stderr, "Pulled %s@%s\n", reference.ToString().c_str(), pulled.manifest_digest.c_str());
  SPINDLE_ASSIGN_OR_RETURN(app::App app,
                           oci::LoadLockedAppWithContent(pulled.locked_app, pulled.content_dir));
  return LoadedApp{std::move(app), false};
}

}  // namespace

Result<LoadedApp> LoadAppFromSource(const AppSourceOptions& options) {
  if (!options.from_registry.empty()) return FromRegistry(options.from_registry, options.insecure);
  std::error_code error;
  const fs::path from(options.from);
  if (!fs::exists(from, error) && oci::LooksLikeRegistryReference(options.from)) {
    return FromRegistry(options.from, options.insecure);
  }
  if (from.extension() == ".json" && fs::is_regular_file(from, error)) {
    // A locked app: its content next to it (<dir>/sha256/<hex>) when that
    // exists, else in the registry cache.
    const fs::path beside = from.parent_path().empty() ? fs::path(".") : from.parent_path();
    const fs::path content_dir =
        fs::is_directory(beside / "sha256", error) ? beside : oci::BlobsDir(oci::DefaultCacheRoot());
    SPINDLE_ASSIGN_OR_RETURN(app::App app, oci::LoadLockedAppWithContent(from, content_dir));
    return LoadedApp{std::move(app), false};
  }
  SPINDLE_ASSIGN_OR_RETURN(app::App app, app::LoadManifest(from));
  return LoadedApp{std::move(app), true};
}

}  // namespace spindle::cli
