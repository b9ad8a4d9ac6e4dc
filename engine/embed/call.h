// Calling functions from the host. A trap comes back as an Error with
// Phase::kRuntime, trap_code set to the TrapKind, the exit status for a
// guest exit, and the wasm backtrace.
#pragma once

#include <span>
#include <vector>

#include "engine/base/result.h"
#include "engine/rt/store.h"
#include "engine/rt/value.h"

namespace spindle {

// Calls `function` (wasm or host) with `args`; checks the argument types.
Result<std::vector<Value>> Call(Store& store, Function* function, std::span<const Value> args);

// The TrapKind of a runtime error (kNone for other errors).
TrapKind TrapKindOf(const Error& error);

}  // namespace spindle
