#include "wasi/path_resolver.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spindle::wasi {
namespace {

long Openat2(int dir, const char* path, open_how* how) {
  return syscall(SYS_openat2, dir, path, how, sizeof(*how));
}

Errno MapResolveErrno(int error) {
  // RESOLVE_BENEATH reports every escape (.., absolute paths, symlinks
  // that leave the tree) as EXDEV.
  return error == EXDEV ? kNotCapable : FromHostErrno(error);
}

}  // namespace

HostFd& HostFd::operator=(HostFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

HostFd::~HostFd() {
  if (fd_ >= 0) close(fd_);
}

Errno ValidateGuestPath(std::string_view path) {
  if (path.empty()) return kNoEnt;
  if (path.find('\0') != std::string_view::npos) return kIlseq;
  return kSuccess;
}

Errno OpenBeneath(int dir, std::string_view path, int flags, int mode, bool follow_final,
                  HostFd& out) {
  if (const Errno invalid = ValidateGuestPath(path); invalid != kSuccess) return invalid;
  const std::string path_string(path);
  open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | (follow_final ? 0 : O_NOFOLLOW));
  // openat2 rejects a mode unless the call can create (O_TMPFILE includes
  // the O_DIRECTORY bit, so compare it whole).
  const bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = creates ? static_cast<uint64_t>(mode) : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd;
  do {
    fd = Openat2(dir, path_string.c_str(), &how);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return MapResolveErrno(errno);
  out = HostFd(static_cast<int>(fd));
  return kSuccess;
}

Errno ResolveParent(int dir, std::string_view path, ParentAndName& out) {
  if (const Errno invalid = ValidateGuestPath(path); invalid != kSuccess) return invalid;
  // The last component starts after the last slash that has a
  // non-slash character after it ("a/b//" -> parent "a", name "b//").
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') --end;
  if (end == 0) return kNotCapable;  // "/" or "//": the root, absolute
  const size_t slash = path.rfind('/', end - 1);
  std::string_view parent_path;
  if (slash == std::string_view::npos) {
    out.name = std::string(path);
  } else {
    parent_path = path.substr(0, slash + 1);
    out.name = std::string(path.substr(slash + 1));
  }
  std::string_view trimmed(out.name);
  while (!trimmed.empty() && trimmed.back() == '/') trimmed.remove_suffix(1);
  out.dots = trimmed == "." || trimmed == "..";
  if (parent_path.empty()) {
    out.parent = dir;
    return kSuccess;
  }
  if (parent_path.front() == '/') return kNotCapable;  // absolute
  const Errno error = OpenBeneath(dir, parent_path, O_PATH | O_DIRECTORY, 0, true,
                                  out.owned_parent);
  if (error != kSuccess) return error;
  out.parent = out.owned_parent.get();
  return kSuccess;
}

std::string ProcFdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

}  // namespace spindle::wasi
