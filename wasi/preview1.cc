#include "wasi/preview1.h"

#include <sys/stat.h>

#include <cstring>

#include "wasi/preview1_internal.h"
#include "wasi/wasi_types.h"

namespace spindle::wasi {

WasiContext* ContextFromStoreData(Caller& caller) {
  return static_cast<WasiContext*>(caller.store().user_data());
}

Status AddPreview1(Linker& linker, ContextOf context_of) {
  SPINDLE_TRY(AddProcessFunctions(linker, context_of));
  SPINDLE_TRY(AddFdFunctions(linker, context_of));
  SPINDLE_TRY(AddPathFunctions(linker, context_of));
  SPINDLE_TRY(AddPollFunctions(linker, context_of));
  return AddSocketFunctions(linker, context_of);
}

Errno Lookup(Env& env, uint32_t fd, uint64_t rights, Descriptor*& out) {
  out = env.fds().Get(fd);
  if (!out) return kBadf;
  if (!out->Has(rights)) return kNotCapable;
  return kSuccess;
}

Errno GatherIovecs(const GuestMemory& memory, uint32_t iovs, uint32_t count,
                   std::vector<iovec>& out) {
  out.clear();
  if (count > 1024) return kInval;  // IOV_MAX
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t base = 0, length = 0;
    if (!memory.Read(iovs + uint64_t{i} * 8, base) ||
        !memory.Read(iovs + uint64_t{i} * 8 + 4, length)) {
      return kFault;
    }
    uint8_t* pointer = memory.At(base, length);
    if (!pointer) return kFault;
    out.push_back({pointer, length});
  }
  return kSuccess;
}

uint8_t FiletypeOfMode(unsigned mode) {
  if (S_ISREG(mode)) return kFiletypeRegularFile;
  if (S_ISDIR(mode)) return kFiletypeDirectory;
  if (S_ISCHR(mode)) return kFiletypeCharacterDevice;
  if (S_ISBLK(mode)) return kFiletypeBlockDevice;
  if (S_ISLNK(mode)) return kFiletypeSymbolicLink;
  if (S_ISSOCK(mode)) return kFiletypeSocketStream;
  return kFiletypeUnknown;
}

Errno WriteFilestat(const GuestMemory& memory, uint32_t ptr, const struct stat& info) {
  uint8_t* out = memory.At(ptr, kFilestatSize);
  if (!out) return kFault;
  auto put64 = [out](size_t offset, uint64_t value) { std::memcpy(out + offset, &value, 8); };
  auto nanos = [](const timespec& time) {
    return static_cast<uint64_t>(time.tv_sec) * 1000000000u + static_cast<uint64_t>(time.tv_nsec);
  };
  std::memset(out, 0, kFilestatSize);
  put64(0, info.st_dev);
  put64(8, info.st_ino);
  out[16] = FiletypeOfMode(info.st_mode);
  put64(24, info.st_nlink);
  put64(32, static_cast<uint64_t>(info.st_size));
  put64(40, nanos(info.st_atim));
  put64(48, nanos(info.st_mtim));
  put64(56, nanos(info.st_ctim));
  return kSuccess;
}

}  // namespace spindle::wasi
