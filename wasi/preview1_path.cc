// path_* functions. Every path is resolved beneath its directory
// descriptor by path_resolver.cc; operations that act on a last component
// (create, remove, rename, link, symlink, readlink) resolve its parent and
// then use the *at() call that does not follow the last component.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "wasi/path_resolver.h"
#include "wasi/preview1_internal.h"
#include "wasi/wasi_types.h"

namespace spindle::wasi {

namespace {

// Reads a guest path argument; fails with EFAULT when out of bounds.
Errno ReadPath(Env& env, uint32_t ptr, uint32_t length, std::string& out) {
  const uint8_t* bytes = env.memory.At(ptr, length);
  if (!bytes) return kFault;
  out.assign(reinterpret_cast<const char*>(bytes), length);
  return ValidateGuestPath(out);
}

// Looks up a directory descriptor for a path operation.
Errno LookupDirectory(Env& env, uint32_t fd, uint64_t rights, Descriptor*& out) {
  if (const Errno error = Lookup(env, fd, rights, out)) return error;
  if (out->kind != DescriptorKind::kDirectory) return kNotDir;
  return kSuccess;
}

Errno CheckWritable(const Descriptor& dir) { return dir.readonly ? kRofs : kSuccess; }

uint32_t PathCreateDirectory(Env& env, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  Descriptor* dir;
  if (const Errno error = LookupDirectory(env, fd, kRightPathCreateDirectory, dir)) return error;
  std::string path;
  if (const Errno error = ReadPath(env, path_ptr, path_len, path)) return error;
  if (const Errno error = CheckWritable(*dir)) return error;
  ParentAndName target;
  if (const Errno error = ResolveParent(dir->host_fd, path, target)) return error;
  if (target.dots) return kExist;
  if (mkdirat(target.parent, target.name.c_str(), 0777) != 0) return FromHostErrno(errno);
  return kSuccess;
}

uint32_t PathFilestatGet(Env& env, uint32_t fd, uint32_t flags, uint32_t path_ptr,
                         uint32_t path_len, uint32_t out) {
  Descriptor* dir;
  if (const Errno error = LookupDirectory(env, fd, kRightPathFilestatGet, dir)) return error;
  std::string path;
  if (const Errno error = ReadPath(env, path_ptr, path_len, path)) return error;
  // O_PATH with O_NOFOLLOW opens a symlink itself, so one call covers both.
  HostFd target;
  if (const Errno error = OpenBeneath(dir->host_fd, path, O_PATH, 0,
                                      flags & kLookupSymlinkFollow, target)) {
    return error;
  }
  struct stat info {};
  if (fstat(target.get(), &info) != 0) return FromHostErrno(errno);
  return WriteFilestat(env.memory, out, info);
}

uint32_t PathFilestatSetTimes(Env& env, uint32_t fd, uint32_t flags, uint32_t path_ptr,
                              uint32_t path_len, uint64_t atim, uint64_t mtim,
                              uint32_t fst_flags) {
  Descriptor* dir;
  if (const Errno error = LookupDirectory(env, fd, kRightPathFilestatSetTimes, dir)) {
    return error;
  }
  std::string path;
  if (const Errno error = ReadPath(env, path_ptr, path_len, path)) return error;
  timespec times[2];
  if (const Errno error = TimesFromFlags(atim, mtim, fst_flags, times)) return error;
  if (const Errno error = CheckWritable(*dir)) return error;
  if (flags & kLookupSymlinkFollow) {
    // Resolve the whole path beneath the directory first; the magic link
    // then names exactly that file.
    HostFd target;
    if (const Errno error = OpenBeneath(dir->host_fd, path, O_PATH, 0, true, target)) {
      return error;
    }
    if (utimensat(AT_FDCWD, ProcFdPath(target.get()).c_str(), times, 0) != 0) {
      return FromHostErrno(errno);
    }
    return kSuccess;
  }
  ParentAndName target;
  if (const Errno error = ResolveParent(dir->host_fd, path, target)) return error;
  if (target.dots) {
    HostFd resolved;
    if (const Errno error = OpenBeneath(dir->host_fd, path, O_PATH, 0, false, resolved)) {
      return error;
    }
    if (utimensat(AT_FDCWD, ProcFdPath(resolved.get()).c_str(), times, 0) != 0) {
      return FromHostErrno(errno);
    }
    return kSuccess;
  }
  if (utimensat(target.parent, target.name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return FromHostErrno(errno);
  }
  return kSuccess;
}

uint32_t PathLink(Env& env, uint32_t old_fd, uint32_t old_flags, uint32_t old_ptr,
                  uint32_t old_len, uint32_t new_fd, uint32_t new_ptr, uint32_t new_len) {
  Descriptor* old_dir;
  Descriptor* new_dir;
  if (const Errno error = LookupDirectory(env, old_fd, kRightPathLinkSource, old_dir)) {
    return error;
  }
  if (const Errno error = LookupDirectory(env, new_fd, kRightPathLinkTarget, new_dir)) {
    return error;
  }
  std::string old_path, new_path;
  if (const Errno error = ReadPath(env, old_ptr, old_len, old_path)) return error;
  if (const Errno error = ReadPath(env, new_ptr, new_len, new_path)) return error;
  // A hard link is the same file under another name: linking out of a
  // read-only mount would make its file writable through the new name.
  if (const Errno error = CheckWritable(*old_dir)) return error;
  if (const Errno error = CheckWritable(*new_dir)) return error;
  ParentAndName destination;
  if (const Errno error = ResolveParent(new_dir->host_fd, new_path, destination)) return error;
  if (destination.dots) return kExist;
  if (old_flags & kLookupSymlinkFollow) {
    // linkat(AT_SYMLINK_FOLLOW) would follow a symlink out of the sandbox;
    // resolve beneath first and link the result.
    HostFd source;
    if (const Errno error = OpenBeneath(old_dir->host_fd, old_path, O_PATH, 0, true, source)) {
      return error;
    }
    if (linkat(AT_FDCWD, ProcFdPath(source.get()).c_str(), destination.parent,
               destination.name.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      return FromHostErrno(errno);
    }
    return kSuccess;
  }
  ParentAndName source;
  if (const Errno error = ResolveParent(old_dir->host_fd, old_path, source)) return error;
  if (source.dots) return kPerm;  // directories cannot be hard-linked
  if (linkat(source.parent, source.name.c_str(), destination.parent, destination.name.c_str(),
             0) != 0) {
    return FromHostErrno(errno);
  }
  return kSuccess;
}

// Host open(2) flags for a WASI path_open; `writes` tells whether the open
// would modify the file system.
int HostOpenFlags(uint32_t oflags, uint64_t rights, uint32_t fdflags, bool& writes) {
  const bool read = rights & (kRightFdRead | kRightFdReaddir);
  const bool write = (rights & (kRightFdWrite | kRightFdDatasync | kRightFdAllocate |
                                kRightFdFilestatSetSize)) ||
                     (fdflags & kFdflagAppend);
  writes = write || (oflags & (kOflagCreat | kOflagTrunc));
  // Asking to write a directory fails in the kernel with EISDIR.
  int flags = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & (kFdflagRsync | kFdflagSync)) flags |= O_SYNC;
  // Always open non-blocking, so a FIFO cannot hang the host; the guest's
  // choice is restored right after.
  flags |= O_NONBLOCK;
  return flags;
}

uint32_t PathOpen(Env& env, uint32_t fd, uint32_t dirflags, uint32_t path_ptr,
                  uint32_t path_len, uint32_t oflags, uint64_t rights_base,
                  uint64_t rights_inheriting, uint32_t fdflags, uint32_t out) {
  Descriptor* dir;
  if (const Errno error = LookupDirectory(env, fd, kRightPathOpen, dir)) return error;
  if ((oflags & ~kOflagsAll) || (fdflags & ~kFdflagsAll)) return kInval;
  if ((oflags & kOflagCreat) && !dir->Has(kRightPathCreateFile)) return kNotCapable;
  if ((oflags & kOflagTrunc) && !dir->Has(kRightPathFilestatSetSize)) return kNotCapable;
  std::string path;
  if (const Errno error = ReadPath(env, path_ptr, path_len, path)) return error;
  if (env.fds().open_count() >= kMaxOpenDescriptors) return kMfile;

  bool writes = false;
  const int flags = HostOpenFlags(oflags, rights_base, fdflags, writes);
  if (writes && dir->readonly) return kRofs;
  HostFd opened;
  if (const Errno error = OpenBeneath(dir->host_fd, path, flags, 0666,
                                      dirflags & kLookupSymlinkFollow, opened)) {
    // O_NOFOLLOW on a symlink: ELOOP from Linux, and so it stays.
    return error;
  }
  if (!(fdflags & kFdflagNonblock)) {
    const int current = fcntl(opened.get(), F_GETFL);
    if (current >= 0) fcntl(opened.get(), F_SETFL, current & ~O_NONBLOCK);
  }
  struct stat info {};
  if (fstat(opened.get(), &info) != 0) return FromHostErrno(errno);

  Descriptor descriptor;
  descriptor.filetype = FiletypeOfMode(info.st_mode);
  const bool is_directory = S_ISDIR(info.st_mode);
  descriptor.kind = is_directory ? DescriptorKind::kDirectory : DescriptorKind::kFile;
  descriptor.host_fd = opened.release();
  descriptor.owns_host_fd = true;
  descriptor.readonly = dir->readonly;
  descriptor.fdflags = static_cast<uint16_t>(fdflags);
  const uint64_t applicable = is_directory ? kDirectoryRights : kFileRights;
  descriptor.rights_base = rights_base & dir->rights_inheriting & applicable;
  descriptor.rights_inheriting = rights_inheriting & dir->rights_inheriting;
  const uint32_t number = env.fds().Insert(std::move(descriptor));
  if (!env.memory.Write<uint32_t>(out, number)) {
    env.fds().Close(number);
    return kFault;
  }
  return kSuccess;
}

uint32_t PathReadlink(Env& env, uint32_t fd, uint32_t path_ptr, uint32_t path_len,
                      uint32_t buffer, uint32_t buffer_len, uint32_t bufused) {
  Descriptor* dir;
  if (const Errno error = LookupDirectory(env, fd, kRightPathReadlink, dir)) return error;
  std::string path;
  if (const Errno error = ReadPath(env, path_ptr, path_len, path)) return error;
  uint8_t* out = env.memory.At(buffer, buffer_len);
  if (!out) return kFault;
  ParentAndName target;
  if (const Errno error = ResolveParent(dir->host_fd, path, target)) return error;
  if (target.dots) return kInval;  // not a symlink
  char contents[PATH_MAX];
  const ssize_t length = readlinkat(target.parent, target.name.c_str(), contents, sizeof contents);
  if (length < 0) return FromHostErrno(errno);
  const uint32_t copied = std::min<uint32_t>(static_cast<uint32_t>(length), buffer_len);
  std::memcpy(out, contents, copied);
  return env.memory.Write(bufused, copied) ? kSuccess : kFault;
}

uint32_t PathRemoveDirectory(Env& env, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  Descriptor* dir;
  if (const Errno error = LookupDirectory(env, fd, kRightPathRemoveDirectory, dir)) return error;
  std::string path;
  if (const Errno error = ReadPath(env, path_ptr, path_len, path)) return error;
  if (const Errno error = CheckWritable(*dir)) return error;
  ParentAndName target;
  if (const Errno error = ResolveParent(dir->host_fd, path, target)) return error;
  if (target.dots) return kInval;
  if (unlinkat(target.parent, target.name.c_str(), AT_REMOVEDIR) != 0) {
    return FromHostErrno(errno);
  }
  return kSuccess;
}

uint32_t PathRename(Env& env, uint32_t old_fd, uint32_t old_ptr, uint32_t old_len,
                    uint32_t new_fd, uint32_t new_ptr, uint32_t new_len) {
  Descriptor* old_dir;
  Descriptor* new_dir;
  if (const Errno error = LookupDirectory(env, old_fd, kRightPathRenameSource, old_dir)) {
    return error;
  }
  if (const Errno error = LookupDirectory(env, new_fd, kRightPathRenameTarget, new_dir)) {
    return error;
  }
  std::string old_path, new_path;
  if (const Errno error = ReadPath(env, old_ptr, old_len, old_path)) return error;
  if (const Errno error = ReadPath(env, new_ptr, new_len, new_path)) return error;
  if (const Errno error = CheckWritable(*old_dir)) return error;
  if (const Errno error = CheckWritable(*new_dir)) return error;
  ParentAndName source, destination;
  if (const Errno error = ResolveParent(old_dir->host_fd, old_path, source)) return error;
  if (const Errno error = ResolveParent(new_dir->host_fd, new_path, destination)) return error;
  if (source.dots || destination.dots) return kBusy;
  if (renameat(source.parent, source.name.c_str(), destination.parent,
               destination.name.c_str()) != 0) {
    return FromHostErrno(errno);
  }
  return kSuccess;
}

uint32_t PathSymlink(Env& env, uint32_t old_ptr, uint32_t old_len, uint32_t fd,
                     uint32_t new_ptr, uint32_t new_len) {
  Descriptor* dir;
  if (const Errno error = LookupDirectory(env, fd, kRightPathSymlink, dir)) return error;
  std::string contents, path;
  if (const Errno error = ReadPath(env, old_ptr, old_len, contents)) return error;
  if (const Errno error = ReadPath(env, new_ptr, new_len, path)) return error;
  if (const Errno error = CheckWritable(*dir)) return error;
  // An absolute target would mean something else to every host program that
  // follows the link; only relative targets stay within the sandbox's view.
  if (contents.front() == '/') return kPerm;
  ParentAndName target;
  if (const Errno error = ResolveParent(dir->host_fd, path, target)) return error;
  if (target.dots) return kExist;
  if (symlinkat(contents.c_str(), target.parent, target.name.c_str()) != 0) {
    return FromHostErrno(errno);
  }
  return kSuccess;
}

uint32_t PathUnlinkFile(Env& env, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  Descriptor* dir;
  if (const Errno error = LookupDirectory(env, fd, kRightPathUnlinkFile, dir)) return error;
  std::string path;
  if (const Errno error = ReadPath(env, path_ptr, path_len, path)) return error;
  if (const Errno error = CheckWritable(*dir)) return error;
  ParentAndName target;
  if (const Errno error = ResolveParent(dir->host_fd, path, target)) return error;
  if (target.dots) return kIsDir;
  if (unlinkat(target.parent, target.name.c_str(), 0) != 0) return FromHostErrno(errno);
  return kSuccess;
}

}  // namespace

Status AddPathFunctions(Linker& linker, ContextOf context_of) {
  SPINDLE_TRY(Define(linker, "path_create_directory", context_of, &PathCreateDirectory));
  SPINDLE_TRY(Define(linker, "path_filestat_get", context_of, &PathFilestatGet));
  SPINDLE_TRY(Define(linker, "path_filestat_set_times", context_of, &PathFilestatSetTimes));
  SPINDLE_TRY(Define(linker, "path_link", context_of, &PathLink));
  SPINDLE_TRY(Define(linker, "path_open", context_of, &PathOpen));
  SPINDLE_TRY(Define(linker, "path_readlink", context_of, &PathReadlink));
  SPINDLE_TRY(Define(linker, "path_remove_directory", context_of, &PathRemoveDirectory));
  SPINDLE_TRY(Define(linker, "path_rename", context_of, &PathRename));
  SPINDLE_TRY(Define(linker, "path_symlink", context_of, &PathSymlink));
  return Define(linker, "path_unlink_file", context_of, &PathUnlinkFile);
}

}  // namespace spindle::wasi
