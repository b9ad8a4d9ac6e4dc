// The subset of wasi_snapshot_preview1 that plain C, C++ and Rust commands
// need to start, print and exit: args, environment, clocks, random, standard
// streams and proc_exit. The remaining functions (files, directories,
// polling, sockets) arrive with the full WASI host.
#include "wasi/preview1.h"

#include <sched.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "wasi/errno.h"
#include "wasi/guest_memory.h"

namespace spindle::wasi {
namespace {

constexpr char kModule[] = "wasi_snapshot_preview1";

// Writes a list of strings the way args_get/environ_get lay them out: an
// array of pointers at `pointers` and the NUL-terminated strings at `buffer`.
uint32_t WriteStringList(const GuestMemory& memory, const std::vector<std::string>& list,
                         uint32_t pointers, uint32_t buffer) {
  uint64_t cursor = buffer;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!memory.Write<uint32_t>(pointers + uint64_t{i} * 4, static_cast<uint32_t>(cursor))) {
      return kFault;
    }
    const std::string& item = list[i];
    if (!memory.WriteBytes(cursor, std::string_view(item.c_str(), item.size() + 1))) {
      return kFault;
    }
    cursor += item.size() + 1;
  }
  return kSuccess;
}

uint32_t WriteSizes(const GuestMemory& memory, const std::vector<std::string>& list,
                    uint32_t count_ptr, uint32_t size_ptr) {
  uint64_t total = 0;
  for (const std::string& item : list) total += item.size() + 1;
  if (!memory.Write<uint32_t>(count_ptr, static_cast<uint32_t>(list.size())) ||
      !memory.Write<uint32_t>(size_ptr, static_cast<uint32_t>(total))) {
    return kFault;
  }
  return kSuccess;
}

clockid_t HostClock(uint32_t id, bool& ok) {
  ok = true;
  switch (id) {
    case 0: return CLOCK_REALTIME;
    case 1: return CLOCK_MONOTONIC;
    case 2: return CLOCK_PROCESS_CPUTIME_ID;
    case 3: return CLOCK_THREAD_CPUTIME_ID;
    default: ok = false; return CLOCK_REALTIME;
  }
}

// Gathers the guest's iovecs into host iovecs; false when any is out of bounds.
bool GatherIovecs(const GuestMemory& memory, uint32_t iovs, uint32_t count,
                  std::vector<iovec>& out) {
  out.clear();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t base = 0, length = 0;
    if (!memory.Read(iovs + uint64_t{i} * 8, base) ||
        !memory.Read(iovs + uint64_t{i} * 8 + 4, length)) {
      return false;
    }
    uint8_t* pointer = memory.At(base, length);
    if (!pointer) return false;
    out.push_back({pointer, length});
  }
  return true;
}

}  // namespace

WasiContext* ContextFromStoreData(Caller& caller) {
  return static_cast<WasiContext*>(caller.store().user_data());
}

Status AddPreview1(Linker& linker, ContextOf context_of) {
  SPINDLE_TRY(linker.Func(kModule, "args_sizes_get",
                          [context_of](Caller& caller, uint32_t count, uint32_t size) -> uint32_t {
                            return WriteSizes(GuestMemory(caller.memory()),
                                              context_of(caller)->args(), count, size);
                          }));
  SPINDLE_TRY(linker.Func(kModule, "args_get",
                          [context_of](Caller& caller, uint32_t argv, uint32_t buffer) -> uint32_t {
                            return WriteStringList(GuestMemory(caller.memory()),
                                                   context_of(caller)->args(), argv, buffer);
                          }));
  SPINDLE_TRY(linker.Func(kModule, "environ_sizes_get",
                          [context_of](Caller& caller, uint32_t count, uint32_t size) -> uint32_t {
                            return WriteSizes(GuestMemory(caller.memory()),
                                              context_of(caller)->env(), count, size);
                          }));
  SPINDLE_TRY(linker.Func(kModule, "environ_get",
                          [context_of](Caller& caller, uint32_t env, uint32_t buffer) -> uint32_t {
                            return WriteStringList(GuestMemory(caller.memory()),
                                                   context_of(caller)->env(), env, buffer);
                          }));
  SPINDLE_TRY(linker.Func(kModule, "clock_res_get",
                          [](Caller& caller, uint32_t id, uint32_t out) -> uint32_t {
                            bool ok;
                            const clockid_t clock = HostClock(id, ok);
                            if (!ok) return kInval;
                            timespec res{};
                            if (clock_getres(clock, &res) != 0) return FromHostErrno(errno);
                            const uint64_t ns = uint64_t(res.tv_sec) * 1000000000u + res.tv_nsec;
                            return GuestMemory(caller.memory()).Write(out, ns) ? kSuccess : kFault;
                          }));
  SPINDLE_TRY(linker.Func(kModule, "clock_time_get",
                          [](Caller& caller, uint32_t id, uint64_t, uint32_t out) -> uint32_t {
                            bool ok;
                            const clockid_t clock = HostClock(id, ok);
                            if (!ok) return kInval;
                            timespec now{};
                            if (clock_gettime(clock, &now) != 0) return FromHostErrno(errno);
                            const uint64_t ns = uint64_t(now.tv_sec) * 1000000000u + now.tv_nsec;
                            return GuestMemory(caller.memory()).Write(out, ns) ? kSuccess : kFault;
                          }));
  SPINDLE_TRY(linker.Func(
      kModule, "fd_write",
      [context_of](Caller& caller, uint32_t fd, uint32_t iovs, uint32_t count,
                   uint32_t written_ptr) -> uint32_t {
        const GuestMemory memory(caller.memory());
        const int host = context_of(caller)->HostFd(fd);
        if (host < 1) return kBadf;
        std::vector<iovec> vectors;
        if (!GatherIovecs(memory, iovs, count, vectors)) return kFault;
        const ssize_t written = writev(host, vectors.data(), static_cast<int>(vectors.size()));
        if (written < 0) return FromHostErrno(errno);
        return memory.Write<uint32_t>(written_ptr, static_cast<uint32_t>(written)) ? kSuccess
                                                                                  : kFault;
      }));
  SPINDLE_TRY(linker.Func(
      kModule, "fd_read",
      [context_of](Caller& caller, uint32_t fd, uint32_t iovs, uint32_t count,
                   uint32_t read_ptr) -> uint32_t {
        const GuestMemory memory(caller.memory());
        const int host = context_of(caller)->HostFd(fd);
        if (host != 0) return kBadf;
        std::vector<iovec> vectors;
        if (!GatherIovecs(memory, iovs, count, vectors)) return kFault;
        const ssize_t got = readv(host, vectors.data(), static_cast<int>(vectors.size()));
        if (got < 0) return FromHostErrno(errno);
        return memory.Write<uint32_t>(read_ptr, static_cast<uint32_t>(got)) ? kSuccess : kFault;
      }));
  SPINDLE_TRY(linker.Func(kModule, "fd_close", [context_of](Caller& caller, uint32_t fd) -> uint32_t {
    return context_of(caller)->HostFd(fd) >= 0 ? kSuccess : kBadf;
  }));
  SPINDLE_TRY(linker.Func(kModule, "fd_seek",
                          [context_of](Caller& caller, uint32_t fd, int64_t, uint32_t,
                                       uint32_t) -> uint32_t {
                            return context_of(caller)->HostFd(fd) >= 0 ? kSpipe : kBadf;
                          }));
  SPINDLE_TRY(linker.Func(
      kModule, "fd_fdstat_get", [context_of](Caller& caller, uint32_t fd, uint32_t out) -> uint32_t {
        if (context_of(caller)->HostFd(fd) < 0) return kBadf;
        // fdstat: filetype u8 (2 = character device), flags u16, rights u64 x2.
        uint8_t stat[24] = {};
        stat[0] = 2;
        const uint64_t rights = fd == 0 ? 0x2 /* fd_read */ : 0x40 /* fd_write */;
        std::memcpy(stat + 8, &rights, 8);
        return GuestMemory(caller.memory())
                       .WriteBytes(out, std::string_view(reinterpret_cast<char*>(stat), 24))
                   ? kSuccess
                   : kFault;
      }));
  SPINDLE_TRY(linker.Func(kModule, "fd_prestat_get",
                          [](uint32_t, uint32_t) -> uint32_t { return kBadf; }));
  SPINDLE_TRY(linker.Func(kModule, "fd_prestat_dir_name",
                          [](uint32_t, uint32_t, uint32_t) -> uint32_t { return kBadf; }));
  SPINDLE_TRY(linker.Func(kModule, "proc_exit", [](Caller& caller, uint32_t code) {
    caller.Exit(static_cast<int32_t>(code));
  }));
  SPINDLE_TRY(linker.Func(kModule, "random_get",
                          [](Caller& caller, uint32_t buffer, uint32_t length) -> uint32_t {
                            uint8_t* out = GuestMemory(caller.memory()).At(buffer, length);
                            if (!out) return kFault;
                            size_t filled = 0;
                            while (filled < length) {
                              const ssize_t got = getrandom(out + filled, length - filled, 0);
                              if (got < 0) {
                                if (errno == EINTR) continue;
                                return FromHostErrno(errno);
                              }
                              filled += static_cast<size_t>(got);
                            }
                            return kSuccess;
                          }));
  return linker.Func(kModule, "sched_yield", []() -> uint32_t {
    sched_yield();
    return kSuccess;
  });
}

}  // namespace spindle::wasi
