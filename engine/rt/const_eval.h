// Evaluates constant expressions (global initializers, segment offsets and
// element items) against an instance's functions and globals.
#pragma once

#include <cstdint>

#include "engine/binary/module.h"

namespace spindle {

class Instance;

// REQUIRES: `expr` validated; its globals and functions are set in
// `instance`. Returns the raw bits of the single result.
uint64_t EvaluateConstExpr(const ConstExpr& expr, const Instance& instance);

// An element item: one ref.func, ref.null or global.get.
uint64_t EvaluateConstInstr(const ConstInstr& instr, const Instance& instance);

}  // namespace spindle
