#include "engine/rt/trap.h"

namespace spindle {

const char* TrapMessage(TrapKind kind) {
  switch (kind) {
    case TrapKind::kNone: return "no trap";
    case TrapKind::kUnreachable: return "unreachable";
    case TrapKind::kMemoryOutOfBounds: return "out of bounds memory access";
    case TrapKind::kTableOutOfBounds: return "out of bounds table access";
    case TrapKind::kUndefinedElement: return "undefined element";
    case TrapKind::kUninitializedElement: return "uninitialized element";
    case TrapKind::kIndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapKind::kIntegerDivideByZero: return "integer divide by zero";
    case TrapKind::kIntegerOverflow: return "integer overflow";
    case TrapKind::kInvalidConversion: return "invalid conversion to integer";
    case TrapKind::kCallStackExhausted: return "call stack exhausted";
    case TrapKind::kInterrupted: return "interrupted: the execution deadline passed";
    case TrapKind::kHostError: return "host function failed";
    case TrapKind::kExit: return "exit";
    case TrapKind::kResourceLimit: return "resource limit exceeded";
  }
  return "trap";
}

PendingTrap& ThreadPendingTrap() {
  static thread_local PendingTrap pending;
  return pending;
}

}  // namespace spindle
