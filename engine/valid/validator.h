// Validation of a decoded module against the WebAssembly 2.0 typing rules
// (without SIMD, with extended-const). Module-level rules live in
// validator.cc, function bodies in function_validator.cc, constant
// expressions in const_expr_validator.cc; each rule is checked in one place.
#pragma once

#include <span>

#include "engine/base/result.h"
#include "engine/binary/module.h"

namespace spindle {

// Validates the whole module, including every function body. Fills
// module.declared_function_refs. Malformed bodies found while walking code
// are reported with Phase::kDecode, typing errors with Phase::kValidate.
Status ValidateModule(Module& module);

// Validates one function body (index into module.functions, not the function
// index space). REQUIRES: the module-level checks have passed.
Status ValidateFunctionBody(const Module& module, uint32_t defined_index);

// Checks that `expr` is constant and produces exactly `expected`; global.get
// may name only the first `visible_globals` globals.
Status ValidateConstExpr(const Module& module, const ConstExpr& expr, ValType expected,
                         uint32_t visible_globals);
Status ValidateConstInstrs(const Module& module, std::span<const ConstInstr> instrs,
                           ValType expected, uint32_t visible_globals, uint32_t offset);

}  // namespace spindle
