// Trap kinds. Kept as a compact enum on the hot path; the message, exit code
// and backtrace are attached only when a trap leaves the engine as an Error.
#pragma once

#include <cstdint>

namespace spindle {

enum class TrapKind : uint8_t {
  kNone = 0,
  kUnreachable,
  kMemoryOutOfBounds,
  kTableOutOfBounds,
  kUndefinedElement,
  kUninitializedElement,
  kIndirectCallTypeMismatch,
  kIntegerDivideByZero,
  kIntegerOverflow,
  kInvalidConversion,
  kCallStackExhausted,
  kInterrupted,       // the epoch deadline passed
  kHostError,         // a host function failed; its message says why
  kExit,              // the guest asked to exit (WASI proc_exit)
  kResourceLimit,     // a store limit was exceeded
};

// The spec suite's wording for each trap ("out of bounds memory access", ...).
const char* TrapMessage(TrapKind kind);

}  // namespace spindle
