// Trap kinds. Kept as a compact enum on the hot path; the message, exit code
// and backtrace are attached only when a trap leaves the engine as an Error.
#pragma once

#include <cstdint>
#include <string>

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

// What a trap raised in compiled code carries to the entry it unwinds to
// (a host function's message, a guest's exit status). Per thread.
struct PendingTrap {
  std::string message;
  int32_t exit_code = 0;
};
PendingTrap& ThreadPendingTrap();

}  // namespace spindle
