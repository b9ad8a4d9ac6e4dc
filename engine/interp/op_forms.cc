#include "engine/interp/op_forms.h"

namespace spindle::interp {

#define SPINDLE_FORMS(T, N, IS, COMMUTATIVE, WIDE, SWAPPED)                          \
  case Opcode::k##T##N: {                                                           \
    static constexpr BinaryForms kForms{IrOp::k##T##N##SS, IrOp::k##T##N##SI, IS,   \
                                        COMMUTATIVE, WIDE, SWAPPED};                \
    return &kForms;                                                                 \
  }
#define SPINDLE_IS(T, N) IrOp::k##T##N##IS
#define SPINDLE_CMP(T, N, SWAPPED) SPINDLE_FORMS(T, N, kNoIrOp, false, kWide, Opcode::k##T##SWAPPED)

#define SPINDLE_INT_FORMS(T)                                                  \
  SPINDLE_FORMS(T, Add, kNoIrOp, true, kWide, Opcode::kNop)                   \
  SPINDLE_FORMS(T, Sub, SPINDLE_IS(T, Sub), false, kWide, Opcode::kNop)       \
  SPINDLE_FORMS(T, Mul, kNoIrOp, true, kWide, Opcode::kNop)                   \
  SPINDLE_FORMS(T, DivS, SPINDLE_IS(T, DivS), false, kWide, Opcode::kNop)     \
  SPINDLE_FORMS(T, DivU, SPINDLE_IS(T, DivU), false, kWide, Opcode::kNop)     \
  SPINDLE_FORMS(T, RemS, SPINDLE_IS(T, RemS), false, kWide, Opcode::kNop)     \
  SPINDLE_FORMS(T, RemU, SPINDLE_IS(T, RemU), false, kWide, Opcode::kNop)     \
  SPINDLE_FORMS(T, And, kNoIrOp, true, kWide, Opcode::kNop)                   \
  SPINDLE_FORMS(T, Or, kNoIrOp, true, kWide, Opcode::kNop)                    \
  SPINDLE_FORMS(T, Xor, kNoIrOp, true, kWide, Opcode::kNop)                   \
  SPINDLE_FORMS(T, Shl, SPINDLE_IS(T, Shl), false, kWide, Opcode::kNop)       \
  SPINDLE_FORMS(T, ShrS, SPINDLE_IS(T, ShrS), false, kWide, Opcode::kNop)     \
  SPINDLE_FORMS(T, ShrU, SPINDLE_IS(T, ShrU), false, kWide, Opcode::kNop)     \
  SPINDLE_FORMS(T, Rotl, SPINDLE_IS(T, Rotl), false, kWide, Opcode::kNop)     \
  SPINDLE_FORMS(T, Rotr, SPINDLE_IS(T, Rotr), false, kWide, Opcode::kNop)     \
  SPINDLE_CMP(T, Eq, Eq) SPINDLE_CMP(T, Ne, Ne)                               \
  SPINDLE_CMP(T, LtS, GtS) SPINDLE_CMP(T, LtU, GtU)                           \
  SPINDLE_CMP(T, GtS, LtS) SPINDLE_CMP(T, GtU, LtU)                           \
  SPINDLE_CMP(T, LeS, GeS) SPINDLE_CMP(T, LeU, GeU)                           \
  SPINDLE_CMP(T, GeS, LeS) SPINDLE_CMP(T, GeU, LeU)

#define SPINDLE_FLOAT_FORMS(T)                                                \
  SPINDLE_FORMS(T, Add, kNoIrOp, true, kWide, Opcode::kNop)                   \
  SPINDLE_FORMS(T, Sub, SPINDLE_IS(T, Sub), false, kWide, Opcode::kNop)       \
  SPINDLE_FORMS(T, Mul, kNoIrOp, true, kWide, Opcode::kNop)                   \
  SPINDLE_FORMS(T, Div, SPINDLE_IS(T, Div), false, kWide, Opcode::kNop)       \
  SPINDLE_FORMS(T, Min, kNoIrOp, true, kWide, Opcode::kNop)                   \
  SPINDLE_FORMS(T, Max, kNoIrOp, true, kWide, Opcode::kNop)                   \
  SPINDLE_FORMS(T, Copysign, kNoIrOp, false, kWide, Opcode::kNop)             \
  SPINDLE_CMP(T, Eq, Eq) SPINDLE_CMP(T, Ne, Ne)                               \
  SPINDLE_CMP(T, Lt, Gt) SPINDLE_CMP(T, Gt, Lt)                               \
  SPINDLE_CMP(T, Le, Ge) SPINDLE_CMP(T, Ge, Le)

namespace {

const BinaryForms* NarrowFormsOf(Opcode op) {
  constexpr bool kWide = false;
  switch (op) {
    SPINDLE_INT_FORMS(I32)
    SPINDLE_FLOAT_FORMS(F32)
    default: return nullptr;
  }
}

const BinaryForms* WideFormsOf(Opcode op) {
  constexpr bool kWide = true;
  switch (op) {
    SPINDLE_INT_FORMS(I64)
    SPINDLE_FLOAT_FORMS(F64)
    default: return nullptr;
  }
}

}  // namespace

const BinaryForms* BinaryFormsOf(Opcode op) {
  const BinaryForms* forms = NarrowFormsOf(op);
  return forms ? forms : WideFormsOf(op);
}

IrOp UnaryFormOf(Opcode op) {
  switch (op) {
#define SPINDLE_UNARY(N) case Opcode::k##N: return IrOp::k##N;
    SPINDLE_UNARY(I32Eqz) SPINDLE_UNARY(I32Clz) SPINDLE_UNARY(I32Ctz) SPINDLE_UNARY(I32Popcnt)
    SPINDLE_UNARY(I64Eqz) SPINDLE_UNARY(I64Clz) SPINDLE_UNARY(I64Ctz) SPINDLE_UNARY(I64Popcnt)
    SPINDLE_UNARY(F32Abs) SPINDLE_UNARY(F32Neg) SPINDLE_UNARY(F32Ceil) SPINDLE_UNARY(F32Floor)
    SPINDLE_UNARY(F32Trunc) SPINDLE_UNARY(F32Nearest) SPINDLE_UNARY(F32Sqrt)
    SPINDLE_UNARY(F64Abs) SPINDLE_UNARY(F64Neg) SPINDLE_UNARY(F64Ceil) SPINDLE_UNARY(F64Floor)
    SPINDLE_UNARY(F64Trunc) SPINDLE_UNARY(F64Nearest) SPINDLE_UNARY(F64Sqrt)
    SPINDLE_UNARY(I32WrapI64) SPINDLE_UNARY(I32TruncF32S) SPINDLE_UNARY(I32TruncF32U)
    SPINDLE_UNARY(I32TruncF64S) SPINDLE_UNARY(I32TruncF64U) SPINDLE_UNARY(I64ExtendI32S)
    SPINDLE_UNARY(I64ExtendI32U) SPINDLE_UNARY(I64TruncF32S) SPINDLE_UNARY(I64TruncF32U)
    SPINDLE_UNARY(I64TruncF64S) SPINDLE_UNARY(I64TruncF64U) SPINDLE_UNARY(F32ConvertI32S)
    SPINDLE_UNARY(F32ConvertI32U) SPINDLE_UNARY(F32ConvertI64S) SPINDLE_UNARY(F32ConvertI64U)
    SPINDLE_UNARY(F32DemoteF64) SPINDLE_UNARY(F64ConvertI32S) SPINDLE_UNARY(F64ConvertI32U)
    SPINDLE_UNARY(F64ConvertI64S) SPINDLE_UNARY(F64ConvertI64U) SPINDLE_UNARY(F64PromoteF32)
    SPINDLE_UNARY(I32Extend8S) SPINDLE_UNARY(I32Extend16S) SPINDLE_UNARY(I64Extend8S)
    SPINDLE_UNARY(I64Extend16S) SPINDLE_UNARY(I64Extend32S)
    SPINDLE_UNARY(I32TruncSatF32S) SPINDLE_UNARY(I32TruncSatF32U) SPINDLE_UNARY(I32TruncSatF64S)
    SPINDLE_UNARY(I32TruncSatF64U) SPINDLE_UNARY(I64TruncSatF32S) SPINDLE_UNARY(I64TruncSatF32U)
    SPINDLE_UNARY(I64TruncSatF64S) SPINDLE_UNARY(I64TruncSatF64U)
#undef SPINDLE_UNARY
    // Reinterpretations only relabel the bits of a slot.
    case Opcode::kI32ReinterpretF32:
    case Opcode::kI64ReinterpretF64:
    case Opcode::kF32ReinterpretI32:
    case Opcode::kF64ReinterpretI64:
      return IrOp::kCopy;
    default:
      return kNoIrOp;
  }
}

#define SPINDLE_LOADS(X)                                                        \
  X(I32Load) X(I64Load) X(F32Load) X(F64Load) X(I32Load8S) X(I32Load8U)         \
  X(I32Load16S) X(I32Load16U) X(I64Load8S) X(I64Load8U) X(I64Load16S)           \
  X(I64Load16U) X(I64Load32S) X(I64Load32U)

IrOp LoadFormOf(Opcode op) {
  switch (op) {
#define SPINDLE_LOAD(N) case Opcode::k##N: return IrOp::k##N;
    SPINDLE_LOADS(SPINDLE_LOAD)
#undef SPINDLE_LOAD
    default: return kNoIrOp;
  }
}

#define SPINDLE_STORES(X)                                                       \
  X(I32Store) X(I64Store) X(F32Store) X(F64Store) X(I32Store8) X(I32Store16)    \
  X(I64Store8) X(I64Store16) X(I64Store32)

IrOp StoreFormOf(Opcode op) {
  switch (op) {
#define SPINDLE_STORE(N) case Opcode::k##N: return IrOp::k##N;
    SPINDLE_STORES(SPINDLE_STORE)
#undef SPINDLE_STORE
    default: return kNoIrOp;
  }
}

IrOp StoreImmFormOf(Opcode op) {
  switch (op) {
#define SPINDLE_STORE(N) case Opcode::k##N: return IrOp::k##N##I;
    SPINDLE_STORES(SPINDLE_STORE)
#undef SPINDLE_STORE
    default: return kNoIrOp;
  }
}

IrOp LoadAddFormOf(Opcode op, bool index_is_imm) {
  switch (op) {
#define SPINDLE_LOAD(N) \
  case Opcode::k##N: return index_is_imm ? IrOp::k##N##AddSI : IrOp::k##N##AddSS;
    SPINDLE_LOADS(SPINDLE_LOAD)
#undef SPINDLE_LOAD
    default: return kNoIrOp;
  }
}

IrOp StoreAddFormOf(Opcode op, bool index_is_imm, bool value_is_imm) {
  switch (op) {
#define SPINDLE_STORE(N)                                                        \
  case Opcode::k##N:                                                            \
    if (value_is_imm) return index_is_imm ? IrOp::k##N##IAddSI : IrOp::k##N##IAddSS; \
    return index_is_imm ? IrOp::k##N##AddSI : IrOp::k##N##AddSS;
    SPINDLE_STORES(SPINDLE_STORE)
#undef SPINDLE_STORE
    default: return kNoIrOp;
  }
}

IrOp AddBranchFormOf(Opcode compare, bool b_is_imm) {
  switch (compare) {
#define SPINDLE_ADD_BRANCH(N) \
  case Opcode::kI32##N: return b_is_imm ? IrOp::kI32AddSIBr##N##SI : IrOp::kI32AddSIBr##N##SS;
    SPINDLE_ADD_BRANCH(Eq) SPINDLE_ADD_BRANCH(Ne) SPINDLE_ADD_BRANCH(LtS) SPINDLE_ADD_BRANCH(LtU)
    SPINDLE_ADD_BRANCH(GtS) SPINDLE_ADD_BRANCH(GtU) SPINDLE_ADD_BRANCH(LeS)
    SPINDLE_ADD_BRANCH(LeU) SPINDLE_ADD_BRANCH(GeS) SPINDLE_ADD_BRANCH(GeU)
#undef SPINDLE_ADD_BRANCH
    default: return kNoIrOp;
  }
}

bool StoreImmIsWide(Opcode op) {
  switch (op) {
    case Opcode::kI64Store:
    case Opcode::kF64Store:
    case Opcode::kI64Store8:
    case Opcode::kI64Store16:
    case Opcode::kI64Store32:
      return true;
    default:
      return false;
  }
}

const BranchForms* BranchFormsOf(Opcode compare) {
#define SPINDLE_BRANCH(T, N, NEGATED, WIDE)                                      \
  case Opcode::k##T##N: {                                                       \
    static constexpr BranchForms kForms{IrOp::kBr##T##N##SS, IrOp::kBr##T##N##SI, \
                                        WIDE, Opcode::k##T##NEGATED};           \
    return &kForms;                                                             \
  }
#define SPINDLE_BRANCHES(T, WIDE)                                                 \
  SPINDLE_BRANCH(T, Eq, Ne, WIDE) SPINDLE_BRANCH(T, Ne, Eq, WIDE)                 \
  SPINDLE_BRANCH(T, LtS, GeS, WIDE) SPINDLE_BRANCH(T, GeS, LtS, WIDE)             \
  SPINDLE_BRANCH(T, LtU, GeU, WIDE) SPINDLE_BRANCH(T, GeU, LtU, WIDE)             \
  SPINDLE_BRANCH(T, GtS, LeS, WIDE) SPINDLE_BRANCH(T, LeS, GtS, WIDE)             \
  SPINDLE_BRANCH(T, GtU, LeU, WIDE) SPINDLE_BRANCH(T, LeU, GtU, WIDE)
  switch (compare) {
    SPINDLE_BRANCHES(I32, false)
    SPINDLE_BRANCHES(I64, true)
    default: return nullptr;
  }
#undef SPINDLE_BRANCHES
#undef SPINDLE_BRANCH
}

}  // namespace spindle::interp
