// args, environ, clocks, random, proc_exit, proc_raise, sched_yield.
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include <cerrno>

#include "wasi/preview1_internal.h"
#include "wasi/wasi_types.h"

namespace spindle::wasi {
namespace {

// args_get/environ_get layout: an array of pointers at `pointers`, and the
// NUL-terminated strings packed at `buffer`.
uint32_t WriteStringList(Env& env, const std::vector<std::string>& list, uint32_t pointers,
                         uint32_t buffer) {
  uint64_t cursor = buffer;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!env.memory.Write<uint32_t>(pointers + uint64_t{i} * 4, static_cast<uint32_t>(cursor))) {
      return kFault;
    }
    const std::string& item = list[i];
    if (!env.memory.WriteBytes(cursor, std::string_view(item.c_str(), item.size() + 1))) {
      return kFault;
    }
    cursor += item.size() + 1;
  }
  return kSuccess;
}

uint32_t WriteListSizes(Env& env, const std::vector<std::string>& list, uint32_t count_ptr,
                        uint32_t size_ptr) {
  uint64_t total = 0;
  for (const std::string& item : list) total += item.size() + 1;
  if (total > UINT32_MAX) return kOverflow;
  if (!env.memory.Write<uint32_t>(count_ptr, static_cast<uint32_t>(list.size())) ||
      !env.memory.Write<uint32_t>(size_ptr, static_cast<uint32_t>(total))) {
    return kFault;
  }
  return kSuccess;
}

bool HostClock(uint32_t id, clockid_t& out) {
  switch (id) {
    case kClockRealtime: out = CLOCK_REALTIME; return true;
    case kClockMonotonic: out = CLOCK_MONOTONIC; return true;
    case kClockProcessCputime: out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case kClockThreadCputime: out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

uint64_t Nanoseconds(const timespec& time) {
  return static_cast<uint64_t>(time.tv_sec) * 1000000000u + static_cast<uint64_t>(time.tv_nsec);
}

uint32_t ArgsSizesGet(Env& env, uint32_t count, uint32_t size) {
  return WriteListSizes(env, env.context.args(), count, size);
}
uint32_t ArgsGet(Env& env, uint32_t argv, uint32_t buffer) {
  return WriteStringList(env, env.context.args(), argv, buffer);
}
uint32_t EnvironSizesGet(Env& env, uint32_t count, uint32_t size) {
  return WriteListSizes(env, env.context.env(), count, size);
}
uint32_t EnvironGet(Env& env, uint32_t environ, uint32_t buffer) {
  return WriteStringList(env, env.context.env(), environ, buffer);
}

uint32_t ClockResGet(Env& env, uint32_t id, uint32_t out) {
  clockid_t clock;
  if (!HostClock(id, clock)) return kInval;
  timespec resolution{};
  if (clock_getres(clock, &resolution) != 0) return FromHostErrno(errno);
  return env.memory.Write(out, Nanoseconds(resolution)) ? kSuccess : kFault;
}

uint32_t ClockTimeGet(Env& env, uint32_t id, uint64_t /*precision*/, uint32_t out) {
  clockid_t clock;
  if (!HostClock(id, clock)) return kInval;
  timespec now{};
  if (clock_gettime(clock, &now) != 0) return FromHostErrno(errno);
  return env.memory.Write(out, Nanoseconds(now)) ? kSuccess : kFault;
}

uint32_t RandomGet(Env& env, uint32_t buffer, uint32_t length) {
  uint8_t* out = env.memory.At(buffer, length);
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
}

// Signals make no sense for a sandboxed guest; the spec allows ENOSYS.
uint32_t ProcRaise(Env&, uint32_t) { return kNoSys; }

uint32_t SchedYield(Env&) {
  sched_yield();
  return kSuccess;
}

}  // namespace

Status AddProcessFunctions(Linker& linker, ContextOf context_of) {
  SPINDLE_TRY(Define(linker, "args_sizes_get", context_of, &ArgsSizesGet));
  SPINDLE_TRY(Define(linker, "args_get", context_of, &ArgsGet));
  SPINDLE_TRY(Define(linker, "environ_sizes_get", context_of, &EnvironSizesGet));
  SPINDLE_TRY(Define(linker, "environ_get", context_of, &EnvironGet));
  SPINDLE_TRY(Define(linker, "clock_res_get", context_of, &ClockResGet));
  SPINDLE_TRY(Define(linker, "clock_time_get", context_of, &ClockTimeGet));
  SPINDLE_TRY(Define(linker, "random_get", context_of, &RandomGet));
  SPINDLE_TRY(Define(linker, "proc_raise", context_of, &ProcRaise));
  SPINDLE_TRY(Define(linker, "sched_yield", context_of, &SchedYield));
  return linker.Func(kPreview1Module, "proc_exit",
                     [](Caller& caller, uint32_t code) { caller.Exit(static_cast<int32_t>(code)); });
}

}  // namespace spindle::wasi
