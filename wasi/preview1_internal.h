// Shared plumbing for the wasi_snapshot_preview1 host functions, which are
// split by area: preview1_process.cc (args, environment, clocks, random,
// exit), preview1_fd.cc, preview1_path.cc, preview1_poll.cc and
// preview1_socket.cc.
#pragma once

#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <vector>

#include "engine/embed/linker.h"
#include "wasi/errno.h"
#include "wasi/guest_memory.h"
#include "wasi/preview1.h"
#include "wasi/wasi_context.h"

namespace spindle::wasi {

inline constexpr char kPreview1Module[] = "wasi_snapshot_preview1";

// What a WASI function body works with.
struct Env {
  Caller& caller;
  WasiContext& context;
  GuestMemory memory;

  FdTable& fds() { return context.fds(); }
};

// Defines `name` from a function `uint32_t fn(Env&, Args...)` returning an
// errno. The store must carry a WasiContext (found with `context_of`).
template <typename... Args>
Status Define(Linker& linker, const char* name, ContextOf context_of,
              uint32_t (*fn)(Env&, Args...)) {
  return linker.Func(kPreview1Module, name,
                     [context_of, fn](Caller& caller, Args... args) -> uint32_t {
                       WasiContext* context = context_of(caller);
                       if (!context) {
                         caller.Trap(TrapKind::kHostError,
                                     "WASI call without a WASI context in the store");
                         return kNoSys;
                       }
                       Env env{caller, *context, GuestMemory(caller.memory())};
                       return fn(env, args...);
                     });
}

// Looks up `fd` and checks that it has all of `rights`.
Errno Lookup(Env& env, uint32_t fd, uint64_t rights, Descriptor*& out);

// Converts the guest's (c)iovec array into host iovecs over guest memory.
Errno GatherIovecs(const GuestMemory& memory, uint32_t iovs, uint32_t count,
                   std::vector<iovec>& out);

// Writes a WASI filestat record for host `info` at `ptr`.
Errno WriteFilestat(const GuestMemory& memory, uint32_t ptr, const struct ::stat& info);
uint8_t FiletypeOfMode(unsigned mode);

// Converts fst_flags and the two times for utimensat (UTIME_NOW/OMIT).
Errno TimesFromFlags(uint64_t atim, uint64_t mtim, uint32_t flags, ::timespec times[2]);

// CLOCK_MONOTONIC in nanoseconds.
uint64_t MonotonicNow();

// True once the calling store's epoch deadline has passed; then the caller
// is already trapped with kInterrupted. Blocking calls check it between
// short waits.
bool Interrupted(Caller& caller);

// Waits until host descriptor `fd` is readable, in short slices, so that a
// blocked guest stays interruptible. False when interrupted (the caller is
// then trapped).
bool WaitReadable(Env& env, int fd);

Status AddProcessFunctions(Linker& linker, ContextOf context_of);
Status AddFdFunctions(Linker& linker, ContextOf context_of);
Status AddPathFunctions(Linker& linker, ContextOf context_of);
Status AddPollFunctions(Linker& linker, ContextOf context_of);
Status AddSocketFunctions(Linker& linker, ContextOf context_of);

}  // namespace spindle::wasi
