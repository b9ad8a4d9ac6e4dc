// Text form of interpreter code, for debugging the translator and for tests
// that check what it emits ("I32AddSI d24 s8 #1").
#pragma once

#include <string>

#include "engine/rt/compiled_module.h"

namespace spindle::interp {

// The instruction name of each IrOp and its operand string (ir_ops.def).
const char* IrOpName(size_t op);
const char* IrOpOperands(size_t op);

// One line per instruction: "offset: Name operands". Returns an empty string
// if the code does not decode (a translator bug).
std::string Disassemble(const InterpCode& code, BoundsChecks checks);

}  // namespace spindle::interp
