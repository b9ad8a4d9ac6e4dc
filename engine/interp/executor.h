// Runs interpreter code. Entry point for host -> wasm calls; used by the
// embedding layer (engine/embed/call.cc), not directly by embedders.
#pragma once

#include <cstdint>
#include <string>

#include "engine/rt/exec_state.h"
#include "engine/rt/function.h"
#include "engine/rt/store.h"

namespace spindle::interp {

// What a trap left behind besides its kind.
struct TrapDetails {
  std::string message;       // host errors
  int32_t exit_code = 0;     // kExit
  const uint8_t* ip = nullptr;  // the trapping instruction, when known
  int64_t native_function = -1;  // compiled code: the function that trapped
};

// Calls wasm function `function` with arguments in `slots` (which must be
// the exec state's stack_top) and leaves the results there. On a trap the
// call frames it pushed are still in `state` (frame_top) so the caller can
// build a backtrace; the caller resets them.
TrapKind Execute(ExecState& state, Store& store, Function* function, uint64_t* slots,
                 TrapDetails& details);

// Calls host function `function` for `caller_instance` (null when the host
// itself calls) with the slot convention; a trap's message and exit status
// go to `details`. Shared by every way of calling a host function.
TrapKind CallHost(Store& store, Instance* caller_instance, const Function* function,
                  uint64_t* slots, TrapDetails& details);

}  // namespace spindle::interp
