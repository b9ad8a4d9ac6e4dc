// Resolves guest paths beneath a directory descriptor, never outside it:
// not through "..", not through absolute paths, not through symlinks, and
// not through /proc's magic links. Built on openat2(RESOLVE_BENEATH), so the
// kernel enforces the boundary at every component.
#pragma once

#include <string>
#include <string_view>

#include "wasi/errno.h"

namespace spindle::wasi {

// An owned host descriptor (-1 when empty); closes on destruction.
class HostFd {
 public:
  HostFd() = default;
  explicit HostFd(int fd) : fd_(fd) {}
  HostFd(HostFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  HostFd& operator=(HostFd&& other) noexcept;
  HostFd(const HostFd&) = delete;
  HostFd& operator=(const HostFd&) = delete;
  ~HostFd();

  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Checks a guest path's bytes: no NUL (EILSEQ would hide it), not empty.
Errno ValidateGuestPath(std::string_view path);

// openat2(dir, path, flags, mode) confined beneath `dir`. `follow_final`
// false adds O_NOFOLLOW. Escapes map to ENOTCAPABLE.
Errno OpenBeneath(int dir, std::string_view path, int flags, int mode, bool follow_final,
                  HostFd& out);

// For operations on a path's last component (unlink, mkdir, rename, ...):
// resolves the parent directory beneath `dir` and returns it (or `dir`
// itself, borrowed, when the path has one component) and the last
// component, with any trailing slashes kept (they mean "must be a
// directory"). A last component of "." or ".." is reported as
// `dots = true` for the caller to refuse or resolve fully.
struct ParentAndName {
  HostFd owned_parent;
  int parent = -1;
  std::string name;
  bool dots = false;
};
Errno ResolveParent(int dir, std::string_view path, ParentAndName& out);

// "/proc/self/fd/N": names an already-resolved descriptor for the few calls
// (linkat with follow, utimensat) that take no descriptor otherwise.
std::string ProcFdPath(int fd);

}  // namespace spindle::wasi
