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

}  // namespace spindle
