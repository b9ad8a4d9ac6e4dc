// Per-thread execution state shared by the engine's tiers and the trap
// handler: the value stack, the call-frame stack, and what the SIGSEGV
// handler needs to turn a guard-page fault into a trap.
#pragma once

#include <csetjmp>
#include <csignal>
#include <cstdint>

#include "engine/rt/engine.h"
#include "engine/rt/trap.h"

namespace spindle {

class Instance;
struct CodeSlot;

// One activation of a wasm function, pushed by the call that entered it.
struct CallFrame {
  const uint8_t* return_ip;   // where the caller resumes; null for a host entry
  uint8_t* return_fp;          // the caller's frame (byte address)
  Instance* return_instance;
  CodeSlot* callee;           // the function that runs in this frame
};

struct ExecState {
  // The state of the calling thread, created on first use and sized by the
  // first engine that runs on it (grown later when idle if needed).
  static ExecState& ForThisThread(const EngineConfig& config);

  // Value stack: frames of 64-bit slots, laid out by the interpreter.
  uint64_t* stack_begin = nullptr;
  uint64_t* stack_end = nullptr;
  uint64_t* stack_top = nullptr;   // first slot free for a nested entry

  CallFrame* frames_begin = nullptr;
  CallFrame* frames_end = nullptr;
  CallFrame* frame_top = nullptr;  // the innermost frame (frames_begin is a
                                   // sentinel); kept in memory so a fault's
                                   // unwind can still build a backtrace

  // Set while guest code runs. The fault handler only claims faults that hit
  // the current memory's reservation while in_guest is set.
  sigjmp_buf* jump = nullptr;
  volatile sig_atomic_t in_guest = 0;
  uint8_t* guard_begin = nullptr;
  uint8_t* guard_end = nullptr;
  TrapKind fault = TrapKind::kNone;
  const void* fault_pc = nullptr;  // where compiled code trapped, for messages
  uint32_t entry_depth = 0;        // nested host->wasm entries

  size_t stack_slots = 0;
  size_t frame_capacity = 0;
};

// The trap context of one entry into guest code (the jump target, whether
// the thread is in guest code, the guard range), saved when an entry starts
// and put back when it ends, so that entries nest (host -> wasm -> host ->
// wasm). Lives in the frame that calls sigsetjmp, so a trap's siglongjmp
// lands in its scope and the destructor still runs.
class TrapContextScope {
 public:
  explicit TrapContextScope(ExecState& state)
      : state_(state),
        jump_(state.jump),
        in_guest_(state.in_guest),
        guard_begin_(state.guard_begin),
        guard_end_(state.guard_end) {}
  ~TrapContextScope() {
    state_.jump = jump_;
    state_.in_guest = in_guest_;
    state_.guard_begin = guard_begin_;
    state_.guard_end = guard_end_;
  }
  TrapContextScope(const TrapContextScope&) = delete;
  TrapContextScope& operator=(const TrapContextScope&) = delete;

 private:
  ExecState& state_;
  sigjmp_buf* const jump_;
  const sig_atomic_t in_guest_;
  uint8_t* const guard_begin_;
  uint8_t* const guard_end_;
};

// The calling thread's state once ForThisThread created it, else null. Read
// by the fault handler and by the helpers compiled code calls.
extern thread_local ExecState* tls_exec_state;

}  // namespace spindle
