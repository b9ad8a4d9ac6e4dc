// Runs compiled (LLVM tier) code: the host -> wasm entry for instances that
// have native code, and the bridge compiled code uses to call anything that
// is not a direct call inside its own instance.
#pragma once

#include <cstdint>

#include "engine/interp/executor.h"
#include "engine/rt/exec_state.h"
#include "engine/rt/function.h"
#include "engine/rt/store.h"

namespace spindle::native {

// Calls `function` (a wasm function of an instance with a VmContext) with
// arguments in `slots`, leaving the results there. Traps come back as the
// kind, with the message and exit status in `details`.
TrapKind Execute(ExecState& state, Store& store, Function* function, uint64_t* slots,
                 interp::TrapDetails& details);

// The lowest rsp compiled code may reach on this thread: 256 KiB above the
// bottom of its stack, which is left for host functions and the signal
// handler.
uintptr_t ThreadStackLimit();

// Calls any function from wasm code of `caller`: a host function, a wasm
// function of an interpreted instance, or one of a native instance.
// `slots` may be anywhere (compiled code keeps them on the native stack).
TrapKind CallFromWasm(ExecState& state, Store& store, Instance* caller, Function* function,
                      uint64_t* slots, interp::TrapDetails& details);

}  // namespace spindle::native
