// Mounting the container's root filesystem: containerd hands the shim the
// snapshot's mounts (overlay or bind) in CreateTaskRequest.rootfs and an
// empty bundle/rootfs directory; the shim mounts them there and unmounts
// them at Delete (or in `delete` after a crash).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/base/result.h"

namespace spindle::shim {

struct RootfsMount {
  std::string type;    // "overlay", "bind", ...
  std::string source;
  std::vector<std::string> options;  // "ro", "rbind", "lowerdir=..." ...
};

// Mounts each of `mounts`, in order, on `target`. On failure nothing stays
// mounted.
Status MountRootfs(const std::vector<RootfsMount>& mounts, const std::filesystem::path& target);

// Unmounts everything mounted on `target` (lazily if it is busy). OK when
// nothing is mounted there.
Status UnmountRootfs(const std::filesystem::path& target);

bool IsMountPoint(const std::filesystem::path& path);

}  // namespace spindle::shim
