// The entry point: reading the file, TOML syntax and version detection
// (spin-compat.md §1.1). The versions' readers are manifest_v1.cc and
// manifest_v2.cc.
#include "app/manifest.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "app/manifest_internal.h"

namespace spindle::app {
namespace {

namespace fs = std::filesystem;
using internal::ManifestError;

std::string Render(const toml::node& node) {
  if (const auto* text = node.as_string()) return "\"" + text->get() + "\"";
  if (const auto* number = node.as_integer()) return std::to_string(number->get());
  return internal::DescribeType(node);
}

// Which schema the manifest uses: 1 or 2.
Result<int> DetectVersion(const internal::TableReader& root) {
  const toml::node* current = root.Find("spin_manifest_version");
  const toml::node* legacy = root.Find("spin_version");
  if (current && legacy) {
    return ManifestError(root.KeyWhere("spin_version"),
                         "both spin_manifest_version and spin_version are set; keep one");
  }
  const toml::node* version = current ? current : legacy;
  if (!version) {
    return ManifestError(root.where(),
                         "missing spin_manifest_version (2, or \"1\" for a v1 manifest)");
  }
  if (const auto* text = version->as_string(); text && text->get() == "1") return 1;
  if (const auto* number = version->as_integer(); number && number->get() == 2) return 2;
  return ManifestError(root.At(*version), "unsupported manifest version " + Render(*version) +
                                              " (expected spin_manifest_version = 2, or "
                                              "spin_manifest_version = \"1\" for a v1 manifest)");
}

}  // namespace

Result<App> ParseManifest(std::string_view text, const fs::path& manifest_path) {
  const std::string display = manifest_path.lexically_normal().string();
  App app;
  std::error_code error;
  fs::path absolute = fs::absolute(manifest_path, error);
  if (error) absolute = manifest_path;
  app.manifest_path = absolute.lexically_normal();
  app.root = app.manifest_path.parent_path();
  const internal::ManifestContext context(display, app.root);

  toml::parse_result parsed = toml::parse(text, display);
  if (!parsed) {
    const toml::parse_error& failure = parsed.error();
    return ManifestError(context.At(failure.source()),
                         "invalid TOML: " + std::string(failure.description()));
  }
  const internal::TableReader root(context, parsed.table(), "the top-level table");
  SPINDLE_ASSIGN_OR_RETURN(app.manifest_version, DetectVersion(root));
  if (app.manifest_version == 1) {
    SPINDLE_TRY(internal::ReadManifestV1(root, &app));
  } else {
    SPINDLE_TRY(internal::ReadManifestV2(root, &app));
  }
  return app;
}

Result<App> LoadManifest(const fs::path& file_or_dir) {
  std::error_code error;
  fs::path path = file_or_dir;
  if (fs::is_directory(path, error)) path /= "spin.toml";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in) {
    const bool missing = !fs::exists(path, error);
    return MakeError(Phase::kIo, "cannot read " + path.string() + (missing ? ": no such file" : ""));
  }
  return ParseManifest(text.str(), path);
}

}  // namespace spindle::app
