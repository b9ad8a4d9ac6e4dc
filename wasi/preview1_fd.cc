// fd_* functions: reading, writing, seeking, metadata and the descriptor
// table itself.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/path_resolver.h"
#include "wasi/preview1_internal.h"
#include "wasi/wasi_types.h"

namespace spindle::wasi {
namespace {

bool HasHostFd(const Descriptor& d) {
  return d.kind == DescriptorKind::kFile || d.kind == DescriptorKind::kDirectory ||
         d.kind == DescriptorKind::kStream || d.kind == DescriptorKind::kSocket ||
         d.kind == DescriptorKind::kListener;
}

Errno Mutable(const Descriptor& d) { return d.readonly ? kRofs : kSuccess; }

uint32_t FdAdvise(Env& env, uint32_t fd, uint64_t offset, uint64_t length, uint32_t advice) {
  if (advice > kAdviceNoreuse) return kInval;
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdAdvise, d)) return error;
  if (d->kind == DescriptorKind::kDirectory) return kBadf;
  if (d->kind != DescriptorKind::kFile) return kSpipe;
  if (offset > INT64_MAX || length > INT64_MAX) return kInval;
  // Advice maps one to one onto POSIX_FADV_* values.
  const int result = posix_fadvise(d->host_fd, static_cast<off_t>(offset),
                                   static_cast<off_t>(length), static_cast<int>(advice));
  return result == 0 || result == ESPIPE ? kSuccess : FromHostErrno(result);
}

uint32_t FdAllocate(Env& env, uint32_t fd, uint64_t offset, uint64_t length) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdAllocate, d)) return error;
  if (const Errno error = Mutable(*d)) return error;
  if (d->kind == DescriptorKind::kDirectory) return kBadf;
  if (d->kind != DescriptorKind::kFile) return kSpipe;
  if (offset > INT64_MAX || length > INT64_MAX || offset + length > INT64_MAX) return kInval;
  const int result = posix_fallocate(d->host_fd, static_cast<off_t>(offset),
                                     static_cast<off_t>(length));
  return result == 0 ? kSuccess : FromHostErrno(result);
}

uint32_t FdClose(Env& env, uint32_t fd) { return env.fds().Close(fd); }

uint32_t Sync(Env& env, uint32_t fd, uint64_t right, bool data_only) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, right, d)) return error;
  if (!HasHostFd(*d)) return kSuccess;  // memory streams have nothing to flush
  if ((data_only ? fdatasync(d->host_fd) : fsync(d->host_fd)) == 0) return kSuccess;
  // Pipes and terminals cannot be synced; that is not the guest's error.
  return errno == EINVAL || errno == EROFS ? kSuccess : FromHostErrno(errno);
}
uint32_t FdDatasync(Env& env, uint32_t fd) { return Sync(env, fd, kRightFdDatasync, true); }
uint32_t FdSync(Env& env, uint32_t fd) { return Sync(env, fd, kRightFdSync, false); }

uint16_t CurrentFdflags(const Descriptor& d) {
  if (!HasHostFd(d)) return d.fdflags;
  const int flags = fcntl(d.host_fd, F_GETFL);
  if (flags < 0) return d.fdflags;
  uint16_t out = d.fdflags & ~(kFdflagAppend | kFdflagNonblock);
  if (flags & O_APPEND) out |= kFdflagAppend;
  if (flags & O_NONBLOCK) out |= kFdflagNonblock;
  return out;
}

uint32_t FdFdstatGet(Env& env, uint32_t fd, uint32_t out) {
  Descriptor* d = env.fds().Get(fd);
  if (!d) return kBadf;
  uint8_t* stat = env.memory.At(out, kFdstatSize);
  if (!stat) return kFault;
  std::memset(stat, 0, kFdstatSize);
  stat[0] = d->filetype;
  const uint16_t flags = CurrentFdflags(*d);
  std::memcpy(stat + 2, &flags, 2);
  std::memcpy(stat + 8, &d->rights_base, 8);
  std::memcpy(stat + 16, &d->rights_inheriting, 8);
  return kSuccess;
}

uint32_t FdFdstatSetFlags(Env& env, uint32_t fd, uint32_t flags) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdFdstatSetFlags, d)) return error;
  if (flags & ~kFdflagsAll) return kInval;
  // Only append and nonblock can change after opening; the synchronous
  // flags are fixed when the file is opened.
  if (flags & (kFdflagDsync | kFdflagRsync | kFdflagSync)) return kNotSup;
  if ((flags & kFdflagAppend) && d->readonly) return kRofs;
  if (HasHostFd(*d)) {
    const int current = fcntl(d->host_fd, F_GETFL);
    if (current < 0) return FromHostErrno(errno);
    int updated = current & ~(O_APPEND | O_NONBLOCK);
    if (flags & kFdflagAppend) updated |= O_APPEND;
    if (flags & kFdflagNonblock) updated |= O_NONBLOCK;
    if (fcntl(d->host_fd, F_SETFL, updated) != 0) return FromHostErrno(errno);
  }
  d->fdflags = static_cast<uint16_t>(flags);
  return kSuccess;
}

uint32_t FdFdstatSetRights(Env& env, uint32_t fd, uint64_t base, uint64_t inheriting) {
  Descriptor* d = env.fds().Get(fd);
  if (!d) return kBadf;
  // Rights can only be dropped, never regained.
  if ((base & ~d->rights_base) || (inheriting & ~d->rights_inheriting)) return kNotCapable;
  d->rights_base = base;
  d->rights_inheriting = inheriting;
  return kSuccess;
}

uint32_t FdFilestatGet(Env& env, uint32_t fd, uint32_t out) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdFilestatGet, d)) return error;
  struct stat info {};
  if (HasHostFd(*d)) {
    if (fstat(d->host_fd, &info) != 0) return FromHostErrno(errno);
    const Errno error = WriteFilestat(env.memory, out, info);
    if (error == kSuccess && d->kind == DescriptorKind::kStream) {
      // Report the file type the descriptor was given (pipes: unknown).
      env.memory.At(out, kFilestatSize)[16] = d->filetype;
    }
    return error;
  }
  const Errno error = WriteFilestat(env.memory, out, info);
  if (error == kSuccess) env.memory.At(out, kFilestatSize)[16] = d->filetype;
  return error;
}

uint32_t FdFilestatSetSize(Env& env, uint32_t fd, uint64_t size) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdFilestatSetSize, d)) return error;
  if (const Errno error = Mutable(*d)) return error;
  if (d->kind == DescriptorKind::kDirectory) return kIsDir;
  if (d->kind != DescriptorKind::kFile) return kInval;
  if (size > INT64_MAX) return kInval;
  if (ftruncate(d->host_fd, static_cast<off_t>(size)) != 0) return FromHostErrno(errno);
  return kSuccess;
}

}  // namespace

// Shared with path_filestat_set_times.
Errno TimesFromFlags(uint64_t atim, uint64_t mtim, uint32_t flags, timespec times[2]) {
  if (flags & ~0xfu) return kInval;
  if ((flags & kFstflagAtim) && (flags & kFstflagAtimNow)) return kInval;
  if ((flags & kFstflagMtim) && (flags & kFstflagMtimNow)) return kInval;
  auto convert = [](uint64_t nanos, bool set, bool now, timespec& out) {
    if (now) {
      out.tv_sec = 0;
      out.tv_nsec = UTIME_NOW;
    } else if (set) {
      out.tv_sec = static_cast<time_t>(nanos / 1000000000u);
      out.tv_nsec = static_cast<long>(nanos % 1000000000u);
    } else {
      out.tv_sec = 0;
      out.tv_nsec = UTIME_OMIT;
    }
  };
  convert(atim, flags & kFstflagAtim, flags & kFstflagAtimNow, times[0]);
  convert(mtim, flags & kFstflagMtim, flags & kFstflagMtimNow, times[1]);
  return kSuccess;
}

namespace {

uint32_t FdFilestatSetTimes(Env& env, uint32_t fd, uint64_t atim, uint64_t mtim,
                            uint32_t flags) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdFilestatSetTimes, d)) return error;
  timespec times[2];
  if (const Errno error = TimesFromFlags(atim, mtim, flags, times)) return error;
  if (const Errno error = Mutable(*d)) return error;
  if (!HasHostFd(*d)) return kBadf;
  if (futimens(d->host_fd, times) != 0) return FromHostErrno(errno);
  return kSuccess;
}

// Reads into `vectors` from the descriptor at its position (or `offset`).
Errno ReadInto(Descriptor& d, std::vector<iovec>& vectors, const int64_t* offset,
               size_t& done) {
  done = 0;
  switch (d.kind) {
    case DescriptorKind::kDirectory:
      return kIsDir;
    case DescriptorKind::kListener:
      return kNotConn;
    case DescriptorKind::kClosed:
      return kSuccess;  // reads as empty
    case DescriptorKind::kMemory:
      if (offset) return kSpipe;
      if (!d.memory->readable()) return kBadf;
      for (const iovec& vector : vectors) {
        const size_t got =
            d.memory->Read({static_cast<uint8_t*>(vector.iov_base), vector.iov_len});
        done += got;
        if (got < vector.iov_len) break;
      }
      return kSuccess;
    default: {
      ssize_t got;
      do {
        got = offset ? preadv(d.host_fd, vectors.data(), static_cast<int>(vectors.size()), *offset)
                     : readv(d.host_fd, vectors.data(), static_cast<int>(vectors.size()));
      } while (got < 0 && errno == EINTR);
      if (got < 0) return FromHostErrno(errno);
      done = static_cast<size_t>(got);
      return kSuccess;
    }
  }
}

Errno WriteFrom(Descriptor& d, std::vector<iovec>& vectors, const int64_t* offset,
                size_t& done) {
  done = 0;
  switch (d.kind) {
    case DescriptorKind::kDirectory:
      return kIsDir;
    case DescriptorKind::kListener:
      return kNotConn;
    case DescriptorKind::kClosed:
      for (const iovec& vector : vectors) done += vector.iov_len;  // like /dev/null
      return kSuccess;
    case DescriptorKind::kMemory:
      if (offset) return kSpipe;
      if (d.memory->readable()) return kBadf;
      for (const iovec& vector : vectors) {
        if (!d.memory->Write({static_cast<const uint8_t*>(vector.iov_base), vector.iov_len})) {
          return done > 0 ? kSuccess : kFbig;  // over the capture limit
        }
        done += vector.iov_len;
      }
      return kSuccess;
    default: {
      if (d.readonly) return kRofs;
      ssize_t wrote;
      do {
        // pwritev2 without RWF_APPEND honours the offset even on an append
        // descriptor, unlike pwrite on Linux.
        wrote = offset ? pwritev2(d.host_fd, vectors.data(), static_cast<int>(vectors.size()),
                                  *offset, 0)
                       : writev(d.host_fd, vectors.data(), static_cast<int>(vectors.size()));
      } while (wrote < 0 && errno == EINTR);
      if (wrote < 0) return FromHostErrno(errno);
      done = static_cast<size_t>(wrote);
      return kSuccess;
    }
  }
}

uint32_t FdRead(Env& env, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t nread) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdRead, d)) return error;
  std::vector<iovec> vectors;
  if (const Errno error = GatherIovecs(env.memory, iovs, count, vectors)) return error;
  // A read that may wait (terminal, pipe, socket) waits where the store's
  // deadline can still stop it.
  const bool may_block = (d->kind == DescriptorKind::kStream &&
                          d->filetype != kFiletypeRegularFile) ||
                         d->kind == DescriptorKind::kSocket;
  if (may_block && !(CurrentFdflags(*d) & kFdflagNonblock) && !WaitReadable(env, d->host_fd)) {
    return kIntr;
  }
  size_t done;
  if (const Errno error = ReadInto(*d, vectors, nullptr, done)) return error;
  return env.memory.Write(nread, static_cast<uint32_t>(done)) ? kSuccess : kFault;
}

uint32_t FdPread(Env& env, uint32_t fd, uint32_t iovs, uint32_t count, uint64_t offset,
                 uint32_t nread) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdRead | kRightFdSeek, d)) return error;
  if (offset > INT64_MAX) return kInval;
  if (d->kind == DescriptorKind::kSocket || d->kind == DescriptorKind::kStream) {
    if (d->filetype != kFiletypeRegularFile) return kSpipe;
  }
  std::vector<iovec> vectors;
  if (const Errno error = GatherIovecs(env.memory, iovs, count, vectors)) return error;
  const int64_t position = static_cast<int64_t>(offset);
  size_t done;
  if (const Errno error = ReadInto(*d, vectors, &position, done)) return error;
  return env.memory.Write(nread, static_cast<uint32_t>(done)) ? kSuccess : kFault;
}

uint32_t FdWrite(Env& env, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t nwritten) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdWrite, d)) return error;
  std::vector<iovec> vectors;
  if (const Errno error = GatherIovecs(env.memory, iovs, count, vectors)) return error;
  size_t done;
  if (const Errno error = WriteFrom(*d, vectors, nullptr, done)) return error;
  return env.memory.Write(nwritten, static_cast<uint32_t>(done)) ? kSuccess : kFault;
}

uint32_t FdPwrite(Env& env, uint32_t fd, uint32_t iovs, uint32_t count, uint64_t offset,
                  uint32_t nwritten) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdWrite | kRightFdSeek, d)) return error;
  if (offset > INT64_MAX) return kInval;
  if (d->kind == DescriptorKind::kSocket || d->kind == DescriptorKind::kStream) {
    if (d->filetype != kFiletypeRegularFile) return kSpipe;
  }
  std::vector<iovec> vectors;
  if (const Errno error = GatherIovecs(env.memory, iovs, count, vectors)) return error;
  const int64_t position = static_cast<int64_t>(offset);
  size_t done;
  if (const Errno error = WriteFrom(*d, vectors, &position, done)) return error;
  return env.memory.Write(nwritten, static_cast<uint32_t>(done)) ? kSuccess : kFault;
}

uint32_t FdPrestatGet(Env& env, uint32_t fd, uint32_t out) {
  Descriptor* d = env.fds().Get(fd);
  if (!d || !d->is_preopen) return kBadf;
  if (!env.memory.Write<uint32_t>(out, 0)) return kFault;  // tag: dir
  return env.memory.Write<uint32_t>(out + 4, static_cast<uint32_t>(d->preopen_name.size()))
             ? kSuccess
             : kFault;
}

uint32_t FdPrestatDirName(Env& env, uint32_t fd, uint32_t path, uint32_t length) {
  Descriptor* d = env.fds().Get(fd);
  if (!d || !d->is_preopen) return kBadf;
  if (length < d->preopen_name.size()) return kNameTooLong;
  return env.memory.WriteBytes(path, d->preopen_name) ? kSuccess : kFault;
}

uint8_t FiletypeOfDirent(unsigned char type) {
  switch (type) {
    case DT_REG: return kFiletypeRegularFile;
    case DT_DIR: return kFiletypeDirectory;
    case DT_LNK: return kFiletypeSymbolicLink;
    case DT_CHR: return kFiletypeCharacterDevice;
    case DT_BLK: return kFiletypeBlockDevice;
    case DT_SOCK: return kFiletypeSocketStream;
    default: return kFiletypeUnknown;
  }
}

// Entries are numbered in the host's order; the cookie is the number of
// entries already returned. The directory is read afresh on each call, so
// cookies stay valid across calls without holding host state.
uint32_t FdReaddir(Env& env, uint32_t fd, uint32_t buffer, uint32_t length, uint64_t cookie,
                   uint32_t bufused) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdReaddir, d)) return error;
  if (d->kind != DescriptorKind::kDirectory) return kNotDir;
  uint8_t* out = env.memory.At(buffer, length);
  if (!out) return kFault;
  const int copy = openat(d->host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return FromHostErrno(errno);
  DIR* dir = fdopendir(copy);
  if (!dir) {
    const int saved = errno;
    close(copy);
    return FromHostErrno(saved);
  }
  uint64_t index = 0;
  uint32_t used = 0;
  while (used < length) {
    errno = 0;
    const dirent* entry = readdir(dir);
    if (!entry) {
      if (errno != 0) {
        const int saved = errno;
        closedir(dir);
        return FromHostErrno(saved);
      }
      break;
    }
    if (index++ < cookie) continue;
    const size_t name_length = std::strlen(entry->d_name);
    uint8_t type = FiletypeOfDirent(entry->d_type);
    if (entry->d_type == DT_UNKNOWN) {
      struct stat info {};
      if (fstatat(dirfd(dir), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0) {
        type = FiletypeOfMode(info.st_mode);
      }
    }
    uint8_t header[kDirentSize] = {};
    const uint64_t next = index;
    const uint64_t inode = entry->d_ino;
    const uint32_t name_length32 = static_cast<uint32_t>(name_length);
    std::memcpy(header, &next, 8);
    std::memcpy(header + 8, &inode, 8);
    std::memcpy(header + 16, &name_length32, 4);
    header[20] = type;
    // A record that does not fit is written in part; a full buffer tells
    // the guest to call again with a larger one.
    const uint32_t header_bytes = std::min<uint32_t>(kDirentSize, length - used);
    std::memcpy(out + used, header, header_bytes);
    used += header_bytes;
    const uint32_t name_bytes = std::min<uint32_t>(name_length32, length - used);
    std::memcpy(out + used, entry->d_name, name_bytes);
    used += name_bytes;
  }
  closedir(dir);
  return env.memory.Write(bufused, used) ? kSuccess : kFault;
}

uint32_t FdRenumber(Env& env, uint32_t from, uint32_t to) { return env.fds().Renumber(from, to); }

uint32_t Seek(Env& env, uint32_t fd, int64_t offset, uint32_t whence, uint32_t out) {
  if (whence > kWhenceEnd) return kInval;
  const bool tell_only = offset == 0 && whence == kWhenceCur;
  Descriptor* d = env.fds().Get(fd);
  if (!d) return kBadf;
  if (!d->Has(kRightFdSeek) && !(tell_only && d->Has(kRightFdTell))) return kNotCapable;
  if (d->kind == DescriptorKind::kDirectory) return kIsDir;
  if (!HasHostFd(*d)) return kSpipe;
  static constexpr int kHostWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  const off_t position = lseek(d->host_fd, static_cast<off_t>(offset), kHostWhence[whence]);
  if (position < 0) return FromHostErrno(errno);
  return env.memory.Write<uint64_t>(out, static_cast<uint64_t>(position)) ? kSuccess : kFault;
}

uint32_t FdSeek(Env& env, uint32_t fd, int64_t offset, uint32_t whence, uint32_t out) {
  return Seek(env, fd, offset, whence, out);
}

uint32_t FdTell(Env& env, uint32_t fd, uint32_t out) {
  Descriptor* d;
  if (const Errno error = Lookup(env, fd, kRightFdTell, d)) return error;
  return Seek(env, fd, 0, kWhenceCur, out);
}

}  // namespace

Status AddFdFunctions(Linker& linker, ContextOf context_of) {
  SPINDLE_TRY(Define(linker, "fd_advise", context_of, &FdAdvise));
  SPINDLE_TRY(Define(linker, "fd_allocate", context_of, &FdAllocate));
  SPINDLE_TRY(Define(linker, "fd_close", context_of, &FdClose));
  SPINDLE_TRY(Define(linker, "fd_datasync", context_of, &FdDatasync));
  SPINDLE_TRY(Define(linker, "fd_fdstat_get", context_of, &FdFdstatGet));
  SPINDLE_TRY(Define(linker, "fd_fdstat_set_flags", context_of, &FdFdstatSetFlags));
  SPINDLE_TRY(Define(linker, "fd_fdstat_set_rights", context_of, &FdFdstatSetRights));
  SPINDLE_TRY(Define(linker, "fd_filestat_get", context_of, &FdFilestatGet));
  SPINDLE_TRY(Define(linker, "fd_filestat_set_size", context_of, &FdFilestatSetSize));
  SPINDLE_TRY(Define(linker, "fd_filestat_set_times", context_of, &FdFilestatSetTimes));
  SPINDLE_TRY(Define(linker, "fd_pread", context_of, &FdPread));
  SPINDLE_TRY(Define(linker, "fd_prestat_get", context_of, &FdPrestatGet));
  SPINDLE_TRY(Define(linker, "fd_prestat_dir_name", context_of, &FdPrestatDirName));
  SPINDLE_TRY(Define(linker, "fd_pwrite", context_of, &FdPwrite));
  SPINDLE_TRY(Define(linker, "fd_read", context_of, &FdRead));
  SPINDLE_TRY(Define(linker, "fd_readdir", context_of, &FdReaddir));
  SPINDLE_TRY(Define(linker, "fd_renumber", context_of, &FdRenumber));
  SPINDLE_TRY(Define(linker, "fd_seek", context_of, &FdSeek));
  SPINDLE_TRY(Define(linker, "fd_sync", context_of, &FdSync));
  SPINDLE_TRY(Define(linker, "fd_tell", context_of, &FdTell));
  return Define(linker, "fd_write", context_of, &FdWrite);
}

}  // namespace spindle::wasi
