// Resolving a component's `files` to host paths and guest destinations
// (spin-compat.md §1.7), for the trigger host to copy or pre-open.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::app {

// One host file or directory to make visible to the guest.
struct FileMount {
  std::filesystem::path source;  // absolute host path inside the app root
  std::string destination;       // absolute guest path ("/static/a.txt")
  bool is_directory = false;     // `source` is a directory: mount its whole tree
};

// Expands `component.files` against the disk, in manifest order and, within
// one entry, in sorted path order:
//  - "dir" (an existing directory): the tree at "/dir". It is one directory
//    mount when no `exclude_files` pattern matches a file inside it, else one
//    mount per file that is not excluded.
//  - "file" (an existing file): that file at "/file". Not subject to
//    exclude_files (as in Spin).
//  - a glob ("static/**/*.css"): each matching regular file at its
//    app-relative path, unless excluded. No match is not an error.
//  - { source, destination }: a directory's tree under `destination`
//    (subject to exclude_files, as above), or a file at exactly
//    `destination`.
// Errors (Phase::kUsage, "spin.toml:12:9: component 'web': reason"): a path
// that leaves the app root, a missing path that is not a glob, a malformed
// glob. Directory symlinks are not followed while expanding globs or
// checking exclusions.
Result<std::vector<FileMount>> ResolveFiles(const App& app, const Component& component);

}  // namespace spindle::app
