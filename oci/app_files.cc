#include "oci/app_files.h"

#include <algorithm>
#include <filesystem>

#include "app/files.h"

namespace spindle::oci {
namespace {

namespace fs = std::filesystem;

// `path` relative to `root` in '/' form, or "" when it is outside.
std::string InsideRoot(const fs::path& path, const fs::path& root) {
  const fs::path relative = path.lexically_normal().lexically_relative(root.lexically_normal());
  if (relative.empty() || *relative.begin() == ".." || relative == ".") return "";
  return relative.generic_string();
}

Error Outside(const app::Component& component, const std::string& what, const fs::path& path) {
  std::string where = component.where.ToString();
  if (!where.empty()) where += ": ";
  return MakeError(Phase::kUsage, where + "component '" + component.id + "': " + what + " " +
                                      path.string() +
                                      " is outside the application directory, so an image "
                                      "cannot hold it at the same relative path");
}

Status AddTree(const fs::path& directory, const fs::path& root, const app::Component& component,
               std::vector<LayerFile>& files) {
  std::error_code error;
  fs::recursive_directory_iterator it(directory, fs::directory_options::none, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    std::error_code ignored;
    if (!it->is_regular_file(ignored)) continue;
    const std::string relative = InsideRoot(it->path(), root);
    if (relative.empty()) return Outside(component, "file", it->path());
    files.push_back({relative, it->path(), std::nullopt});
  }
  if (error) {
    return MakeError(Phase::kIo, "cannot list " + directory.string() + ": " + error.message());
  }
  return Ok();
}

}  // namespace

Result<std::vector<LayerFile>> CollectAppFiles(const app::App& app) {
  std::vector<LayerFile> files;
  files.push_back({"spin.toml", app.manifest_path, std::nullopt});
  for (const app::Component& component : app.components) {
    const std::string source = InsideRoot(component.source, app.root);
    if (source.empty()) return Outside(component, "source", component.source);
    files.push_back({source, component.source, std::nullopt});
    SPINDLE_ASSIGN_OR_RETURN(std::vector<app::FileMount> mounts,
                             app::ResolveFiles(app, component));
    for (const app::FileMount& mount : mounts) {
      if (mount.is_directory) {
        SPINDLE_TRY(AddTree(mount.source, app.root, component, files));
        continue;
      }
      const std::string relative = InsideRoot(mount.source, app.root);
      if (relative.empty()) return Outside(component, "file", mount.source);
      files.push_back({relative, mount.source, std::nullopt});
    }
  }
  std::stable_sort(files.begin(), files.end(),
                   [](const LayerFile& a, const LayerFile& b) { return a.path < b.path; });
  return files;
}

}  // namespace spindle::oci
