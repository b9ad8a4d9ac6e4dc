// Translates a validated function body into the interpreter's register code
// (ir.h). The translator assumes validity: it never reports typing errors,
// it only tracks where each operand-stack value lives.
#pragma once

#include <memory>

#include "engine/rt/compiled_module.h"

namespace spindle::interp {

// REQUIRES: the module validated.
std::unique_ptr<InterpCode> TranslateFunction(const CompiledModule& module,
                                              uint32_t defined_index);

// Returns the slot's code, translating and publishing it on first use.
// Thread safe.
const InterpCode* EnsureTranslated(CodeSlot& slot);

// Handler addresses of the executor for `checks`, indexed by IrOp.
const void* const* HandlerTable(BoundsChecks checks);

}  // namespace spindle::interp
