#include "wasi/wasi_context.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/wasi_types.h"

namespace spindle::wasi {
namespace {

uint8_t FiletypeOfHostFd(int fd) {
  struct stat info {};
  if (fstat(fd, &info) != 0) return kFiletypeUnknown;
  if (S_ISREG(info.st_mode)) return kFiletypeRegularFile;
  if (S_ISDIR(info.st_mode)) return kFiletypeDirectory;
  if (S_ISCHR(info.st_mode)) return kFiletypeCharacterDevice;
  if (S_ISBLK(info.st_mode)) return kFiletypeBlockDevice;
  if (S_ISSOCK(info.st_mode)) return kFiletypeSocketStream;
  return kFiletypeUnknown;  // pipes have no WASI file type
}

Descriptor StreamDescriptor(const StreamBinding& binding, int default_fd, bool input) {
  Descriptor descriptor;
  const uint64_t io_right = input ? kRightFdRead : kRightFdWrite;
  switch (binding.kind) {
    case StreamBinding::Kind::kInherit:
    case StreamBinding::Kind::kHostFd: {
      descriptor.kind = DescriptorKind::kStream;
      descriptor.host_fd = binding.kind == StreamBinding::Kind::kInherit ? default_fd
                                                                         : binding.host_fd;
      descriptor.filetype = FiletypeOfHostFd(descriptor.host_fd);
      descriptor.rights_base = io_right | kRightFdFdstatSetFlags | kRightFdFilestatGet |
                               kRightPollFdReadwrite | kRightFdSync | kRightFdDatasync;
      // A terminal has no position; wasi-libc's isatty() checks for that.
      if (descriptor.filetype != kFiletypeCharacterDevice) {
        descriptor.rights_base |= kRightFdSeek | kRightFdTell;
      }
      break;
    }
    case StreamBinding::Kind::kMemory:
      descriptor.kind = DescriptorKind::kMemory;
      descriptor.memory = binding.memory;
      descriptor.filetype = kFiletypeUnknown;
      descriptor.rights_base = io_right | kRightFdFilestatGet | kRightPollFdReadwrite;
      break;
    case StreamBinding::Kind::kClosed:
      descriptor.kind = DescriptorKind::kClosed;
      descriptor.filetype = kFiletypeUnknown;
      descriptor.rights_base = io_right | kRightPollFdReadwrite;
      break;
  }
  return descriptor;
}

}  // namespace

Result<std::unique_ptr<WasiContext>> WasiContext::Create(WasiOptions options) {
  std::unique_ptr<WasiContext> context(new WasiContext(std::move(options)));
  const WasiOptions& opts = context->options_;
  context->fds_.InsertAt(0, StreamDescriptor(opts.stdin_binding, 0, true));
  context->fds_.InsertAt(1, StreamDescriptor(opts.stdout_binding, 1, false));
  context->fds_.InsertAt(2, StreamDescriptor(opts.stderr_binding, 2, false));

  for (const Preopen& preopen : opts.preopens) {
    const int fd = open(preopen.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      return MakeError(Phase::kUsage, "cannot pre-open directory " + preopen.host_path + ": " +
                                          std::strerror(errno));
    }
    Descriptor descriptor;
    descriptor.kind = DescriptorKind::kDirectory;
    descriptor.host_fd = fd;
    descriptor.owns_host_fd = true;
    descriptor.filetype = kFiletypeDirectory;
    descriptor.readonly = preopen.readonly;
    // A read-only mount keeps its rights (so guests still ask to write and
    // learn why they cannot): every mutation checks `readonly` and fails
    // with EROFS.
    descriptor.rights_base = kDirectoryRights;
    descriptor.rights_inheriting = kRightsAll;
    descriptor.is_preopen = true;
    descriptor.preopen_name = preopen.guest_path;
    context->fds_.Insert(std::move(descriptor));
  }
  for (int socket : opts.listening_sockets) {
    Descriptor descriptor;
    descriptor.kind = DescriptorKind::kListener;
    descriptor.host_fd = socket;
    descriptor.filetype = kFiletypeSocketStream;
    descriptor.rights_base = kListenerRights;
    descriptor.rights_inheriting = kSocketRights;
    context->fds_.Insert(std::move(descriptor));
  }
  return context;
}

}  // namespace spindle::wasi
