// Maps wasm instructions to the IR instructions that implement them in each
// operand form (see ir_ops.def).
#pragma once

#include "engine/binary/opcode.h"
#include "engine/interp/ir.h"

namespace spindle::interp {

constexpr IrOp kNoIrOp = IrOp::kCount;

struct BinaryForms {
  IrOp slot_slot = kNoIrOp;   // D A B
  IrOp slot_imm = kNoIrOp;    // D A imm
  IrOp imm_slot = kNoIrOp;    // D imm A, for non-commutative operators
  bool commutative = false;
  bool wide_imm = false;      // the immediate is 64 bits (i64, f64)
  // For comparisons: the operator with swapped operands (a < b  ==  b > a).
  Opcode swapped = Opcode::kNop;
};

// Binary operators with two operands and one result; null forms otherwise.
const BinaryForms* BinaryFormsOf(Opcode op);

// The IR op of a unary operator (one operand, one result), or kNoIrOp.
IrOp UnaryFormOf(Opcode op);

// Loads and stores. `StoreImmFormOf` is the store whose value is immediate.
IrOp LoadFormOf(Opcode op);
IrOp StoreFormOf(Opcode op);
IrOp StoreImmFormOf(Opcode op);
bool StoreImmIsWide(Opcode op);

// Loads and stores whose address is base + index (i32, wrapping).
IrOp LoadAddFormOf(Opcode op, bool index_is_imm);
IrOp StoreAddFormOf(Opcode op, bool index_is_imm, bool value_is_imm);

// `d = s + imm; branch if d <compare> b` for an i32 comparison.
IrOp AddBranchFormOf(Opcode compare, bool b_is_imm);

// Integer comparisons usable as branch conditions.
struct BranchForms {
  IrOp slot_slot = kNoIrOp;
  IrOp slot_imm = kNoIrOp;
  bool wide_imm = false;
  Opcode negated = Opcode::kNop;  // !(a < b)  ==  a >= b
};
const BranchForms* BranchFormsOf(Opcode compare);

}  // namespace spindle::interp
