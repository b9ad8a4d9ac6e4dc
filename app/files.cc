#include "app/files.h"

#include <algorithm>
#include <system_error>

#include "app/glob.h"

namespace spindle::app {
namespace {

namespace fs = std::filesystem;

// `path` relative to `root`, or empty if it is not inside `root`.
std::string RelativeInside(const fs::path& path, const fs::path& root) {
  const fs::path relative = path.lexically_normal().lexically_relative(root);
  if (relative.empty()) return "";
  if (*relative.begin() == "..") return "";
  std::string text = relative.generic_string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

std::string JoinGuest(const std::string& directory, const std::string& relative) {
  if (relative.empty() || relative == ".") return directory;
  return directory == "/" ? "/" + relative : directory + "/" + relative;
}

class Resolver {
 public:
  Resolver(const App& app, const Component& component)
      : root_(app.root.lexically_normal()), component_(component) {}

  Result<std::vector<FileMount>> Run() {
    for (const FilesEntry& entry : component_.files) {
      if (entry.kind == FilesEntry::Kind::kPattern) {
        SPINDLE_TRY(AddPattern(entry));
      } else {
        SPINDLE_TRY(AddMapping(entry));
      }
    }
    return std::move(mounts_);
  }

 private:
  Error Fail(const FilesEntry& entry, const std::string& reason) const {
    std::string where = entry.where.ToString();
    if (!where.empty()) where += ": ";
    return MakeError(Phase::kUsage, where + "component '" + component_.id + "': " + reason);
  }

  bool Excluded(const std::string& relative) const {
    return std::any_of(component_.exclude_files.begin(), component_.exclude_files.end(),
                       [&](const std::string& pattern) {
                         return GlobMatch(pattern, relative, GlobSlash::kText);
                       });
  }

  // Regular files (symlinks to files included) under `directory`, sorted.
  Result<std::vector<fs::path>> FilesUnder(const fs::path& directory,
                                           const FilesEntry& entry) const {
    std::vector<fs::path> files;
    std::error_code error;
    fs::recursive_directory_iterator it(directory, fs::directory_options::skip_permission_denied,
                                        error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      std::error_code ignored;
      if (it->is_regular_file(ignored)) files.push_back(it->path());
    }
    if (error) return Fail(entry, "cannot list " + directory.string() + ": " + error.message());
    std::sort(files.begin(), files.end());
    return files;
  }

  // A directory tree at `destination`: one mount, or one per kept file.
  Status AddTree(const fs::path& directory, const std::string& destination,
                 const FilesEntry& entry) {
    if (component_.exclude_files.empty()) {
      mounts_.push_back({directory, destination, true});
      return Ok();
    }
    SPINDLE_ASSIGN_OR_RETURN(std::vector<fs::path> files, FilesUnder(directory, entry));
    std::vector<FileMount> kept;
    bool any_excluded = false;
    for (const fs::path& file : files) {
      if (Excluded(RelativeInside(file, root_))) {
        any_excluded = true;
        continue;
      }
      kept.push_back({file, JoinGuest(destination, file.lexically_relative(directory).generic_string()),
                      false});
    }
    if (!any_excluded) {
      mounts_.push_back({directory, destination, true});
    } else {
      mounts_.insert(mounts_.end(), kept.begin(), kept.end());
    }
    return Ok();
  }

  Status AddPattern(const FilesEntry& entry) {
    const fs::path written(entry.pattern);
    const std::string relative =
        written.is_absolute() ? "" : RelativeInside(root_ / written, root_);
    if (relative.empty()) {
      return Fail(entry, "files entry '" + entry.pattern + "' is outside the application directory");
    }
    const fs::path path = relative == "." ? root_ : root_ / relative;
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (fs::is_directory(status)) return AddTree(path, JoinGuest("/", relative), entry);
    if (fs::exists(status)) {
      mounts_.push_back({path, JoinGuest("/", relative), false});
      return Ok();
    }
    if (!LooksLikeGlob(entry.pattern)) {
      return Fail(entry, "'" + entry.pattern + "' does not exist and is not a glob pattern");
    }
    if (Status valid = ValidateGlob(relative); !valid.ok()) {
      return Fail(entry, "invalid files pattern '" + entry.pattern + "': " + valid.error().message);
    }
    // Walk only below the pattern's literal leading directories.
    fs::path base = root_;
    for (const fs::path& segment : fs::path(relative).parent_path()) {
      if (LooksLikeGlob(segment.string())) break;
      base /= segment;
    }
    if (!fs::is_directory(base, error)) return Ok();
    SPINDLE_ASSIGN_OR_RETURN(std::vector<fs::path> files, FilesUnder(base, entry));
    for (const fs::path& file : files) {
      const std::string file_relative = RelativeInside(file, root_);
      if (!GlobMatch(relative, file_relative, GlobSlash::kPath)) continue;
      if (Excluded(file_relative)) continue;
      mounts_.push_back({file, "/" + file_relative, false});
    }
    return Ok();
  }

  Status AddMapping(const FilesEntry& entry) {
    const fs::path source = entry.source.lexically_normal();
    const std::string relative = RelativeInside(source, root_);
    if (relative.empty()) {
      return Fail(entry, "files source '" + entry.source.string() +
                             "' is outside the application directory");
    }
    std::error_code error;
    const fs::file_status status = fs::status(source, error);
    if (!fs::exists(status)) {
      return Fail(entry, "files source '" + relative + "' does not exist");
    }
    std::string destination = entry.destination.empty() ? "/" : entry.destination;
    if (destination[0] != '/') destination.insert(destination.begin(), '/');
    if (fs::is_directory(status)) return AddTree(source, destination, entry);
    if (destination == "/") {
      return Fail(entry, "files source '" + relative +
                             "' is a file, so its destination needs a file name, not '/'");
    }
    mounts_.push_back({source, destination, false});
    return Ok();
  }

  fs::path root_;
  const Component& component_;
  std::vector<FileMount> mounts_;
};

}  // namespace

Result<std::vector<FileMount>> ResolveFiles(const App& app, const Component& component) {
  return Resolver(app, component).Run();
}

}  // namespace spindle::app
