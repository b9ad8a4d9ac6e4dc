#include "shim/rootfs.h"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace spindle::shim {

namespace fs = std::filesystem;

namespace {

struct FlagOption {
  unsigned long set;
  bool clear;  // "rw"-style options clear the flag instead
};

const std::map<std::string, FlagOption>& FlagOptions() {
  static const std::map<std::string, FlagOption> options = {
      {"ro", {MS_RDONLY, false}},       {"rw", {MS_RDONLY, true}},
      {"bind", {MS_BIND, false}},       {"rbind", {MS_BIND | MS_REC, false}},
      {"nosuid", {MS_NOSUID, false}},   {"suid", {MS_NOSUID, true}},
      {"nodev", {MS_NODEV, false}},     {"dev", {MS_NODEV, true}},
      {"noexec", {MS_NOEXEC, false}},   {"exec", {MS_NOEXEC, true}},
      {"noatime", {MS_NOATIME, false}}, {"relatime", {MS_RELATIME, false}},
      {"sync", {MS_SYNCHRONOUS, false}}, {"async", {MS_SYNCHRONOUS, true}},
  };
  return options;
}

Status MountOne(const RootfsMount& mount, const fs::path& target) {
  unsigned long flags = 0;
  std::string data;
  for (const std::string& option : mount.options) {
    auto found = FlagOptions().find(option);
    if (found != FlagOptions().end()) {
      if (found->second.clear) {
        flags &= ~found->second.set;
      } else {
        flags |= found->second.set;
      }
    } else if (option.rfind("rprivate", 0) == 0 || option.rfind("private", 0) == 0 ||
               option.rfind("rslave", 0) == 0 || option.rfind("rshared", 0) == 0) {
      // Propagation is not a mount(2) data option; the rootfs keeps the default.
    } else {
      if (!data.empty()) data += ',';
      data += option;
    }
  }
  const bool bind = (flags & MS_BIND) != 0 || mount.type == "bind";
  if (bind) flags |= MS_BIND;
  const std::string type = bind ? "" : mount.type;
  // A bind mount ignores MS_RDONLY on the first call; it is remounted below.
  const unsigned long mount_flags = bind ? (flags & ~static_cast<unsigned long>(MS_RDONLY)) : flags;
  if (::mount(mount.source.c_str(), target.c_str(), bind ? nullptr : type.c_str(), mount_flags,
              data.empty() ? nullptr : data.c_str()) != 0) {
    return MakeError(Phase::kIo, "cannot mount " + mount.type + " " + mount.source + " on " +
                                     target.string() + ": " + std::strerror(errno));
  }
  if (bind && (flags & MS_RDONLY) &&
      ::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
    const int error = errno;
    umount2(target.c_str(), MNT_DETACH);
    return MakeError(Phase::kIo, "cannot make " + target.string() + " read-only: " +
                                     std::strerror(error));
  }
  return Ok();
}

}  // namespace

bool IsMountPoint(const fs::path& path) {
  std::ifstream mountinfo("/proc/self/mountinfo");
  const std::string wanted = fs::weakly_canonical(path).string();
  std::string line;
  while (std::getline(mountinfo, line)) {
    // Fields: id parent major:minor root mount-point ...; spaces in paths
    // are escaped as \040, which bundle paths do not contain.
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    if (mount_point == wanted) return true;
  }
  return false;
}

Status MountRootfs(const std::vector<RootfsMount>& mounts, const fs::path& target) {
  std::error_code ignored;
  fs::create_directories(target, ignored);
  for (size_t i = 0; i < mounts.size(); ++i) {
    Status mounted = MountOne(mounts[i], target);
    if (!mounted.ok()) {
      (void)UnmountRootfs(target);
      return mounted;
    }
  }
  return Ok();
}

Status UnmountRootfs(const fs::path& target) {
  // Stacked mounts come off one at a time; the bound stops a loop on a
  // mount point that refuses to go.
  for (int attempt = 0; attempt < 16 && IsMountPoint(target); ++attempt) {
    if (umount2(target.c_str(), 0) != 0 && umount2(target.c_str(), MNT_DETACH) != 0) {
      return MakeError(Phase::kIo, "cannot unmount " + target.string() + ": " +
                                       std::strerror(errno));
    }
  }
  return Ok();
}

}  // namespace spindle::shim
