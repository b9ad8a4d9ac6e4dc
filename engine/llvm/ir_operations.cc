// Numeric, memory, table and reference instructions of the translator, with
// exact wasm semantics: every trap the spec requires is an explicit check
// (LLVM's sdiv/fptosi are undefined where wasm traps), except memory
// accesses, which rely on the runtime's guard reservation.
#include <cmath>

#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Intrinsics.h>

#include "engine/llvm/ir_translator.h"
#include "engine/rt/native_abi.h"

namespace spindle::aot {
namespace {

// An empty asm that returns its operand unchanged in the same register:
// LLVM cannot look through it, so folds that would be wrong for wasm's NaN
// rules (see EmitNumeric) do not happen.
llvm::Value* HideFromFolding(llvm::IRBuilderBase& b, llvm::Value* value) {
  auto* type = llvm::FunctionType::get(value->getType(), {value->getType()}, false);
  return b.CreateCall(llvm::InlineAsm::get(type, "", "=x,0", /*hasSideEffects=*/false), {value});
}

}  // namespace
namespace {

using native::RuntimeHelpers;

constexpr size_t kHelperMemorySize = offsetof(RuntimeHelpers, memory_size);
constexpr size_t kHelperMemoryGrow = offsetof(RuntimeHelpers, memory_grow);
constexpr size_t kHelperMemoryFill = offsetof(RuntimeHelpers, memory_fill);
constexpr size_t kHelperMemoryCopy = offsetof(RuntimeHelpers, memory_copy);
constexpr size_t kHelperMemoryInit = offsetof(RuntimeHelpers, memory_init);
constexpr size_t kHelperDataDrop = offsetof(RuntimeHelpers, data_drop);
constexpr size_t kHelperTableGrow = offsetof(RuntimeHelpers, table_grow);
constexpr size_t kHelperTableFill = offsetof(RuntimeHelpers, table_fill);
constexpr size_t kHelperTableCopy = offsetof(RuntimeHelpers, table_copy);
constexpr size_t kHelperTableInit = offsetof(RuntimeHelpers, table_init);
constexpr size_t kHelperElemDrop = offsetof(RuntimeHelpers, elem_drop);
constexpr size_t kHelperTableGetLazy = offsetof(RuntimeHelpers, table_get_lazy);
constexpr size_t kHelperRefFunc = offsetof(RuntimeHelpers, ref_func);

}  // namespace

bool FunctionTranslator::EmitNumeric(const Instr& instr) {
  llvm::IRBuilder<>& b = builder_;
  auto unary = [&](auto&& emit) {
    llvm::Value* value = Pop();
    Push(emit(value));
    return true;
  };
  auto binary = [&](auto&& emit) {
    llvm::Value* rhs = Pop();
    llvm::Value* lhs = Pop();
    Push(emit(lhs, rhs));
    return true;
  };
  auto compare = [&](llvm::CmpInst::Predicate predicate) {
    return binary([&](llvm::Value* lhs, llvm::Value* rhs) {
      return Bool(b.CreateCmp(predicate, lhs, rhs));
    });
  };
  auto intrinsic1 = [&](llvm::Intrinsic::ID id) {
    return unary([&](llvm::Value* value) { return b.CreateUnaryIntrinsic(id, value); });
  };
  auto intrinsic2 = [&](llvm::Intrinsic::ID id) {
    return binary(
        [&](llvm::Value* lhs, llvm::Value* rhs) { return b.CreateBinaryIntrinsic(id, lhs, rhs); });
  };
  // Zero is a defined input of clz/ctz in wasm (the bit width).
  auto count_zeros = [&](llvm::Intrinsic::ID id) {
    return unary([&](llvm::Value* value) {
      return b.CreateIntrinsic(id, {value->getType()}, {value, b.getFalse()});
    });
  };
  // wasm takes shift counts modulo the bit width; LLVM makes them poison.
  auto shift = [&](llvm::Instruction::BinaryOps op) {
    return binary([&](llvm::Value* lhs, llvm::Value* rhs) {
      const uint64_t mask = lhs->getType()->getIntegerBitWidth() - 1;
      return b.CreateBinOp(op, lhs, b.CreateAnd(rhs, llvm::ConstantInt::get(rhs->getType(), mask)));
    });
  };
  auto rotate = [&](llvm::Intrinsic::ID id) {
    return binary([&](llvm::Value* lhs, llvm::Value* rhs) {
      return b.CreateIntrinsic(id, {lhs->getType()}, {lhs, lhs, rhs});
    });
  };
  // llvm.minimum/maximum order -0 below +0 and propagate NaN as wasm
  // wants, but x86 lowers them to return a signalling NaN operand as it is,
  // where wasm requires a quiet ("arithmetic") NaN. An fadd of the operands
  // produces that NaN whenever one of them is NaN.
  auto min_max = [&](llvm::Intrinsic::ID id) {
    return binary([&](llvm::Value* lhs, llvm::Value* rhs) {
      return b.CreateSelect(b.CreateFCmpUNO(lhs, rhs), b.CreateFAdd(lhs, rhs),
                            b.CreateBinaryIntrinsic(id, lhs, rhs));
    });
  };
  auto division = [&](Opcode op) {
    return binary([&](llvm::Value* lhs, llvm::Value* rhs) { return EmitDivision(op, lhs, rhs); });
  };
  // LLVM folds x-0, x+-0, x*1, x/1, x*-1, x/-1 and -0-x into x or -x, which
  // returns a signalling NaN operand unquieted; wasm requires an arithmetic
  // (quiet) NaN. Hiding such identity constants behind an empty asm keeps
  // the instruction, at the cost of one register copy.
  auto opaque = [&](llvm::Value* value) { return HideFromFolding(b, value); };
  auto hide_identity = [&](llvm::Value* value) -> llvm::Value* {
    auto* constant = llvm::dyn_cast<llvm::ConstantFP>(value);
    if (!constant) return value;
    const llvm::APFloat& number = constant->getValueAPF();
    if (number.isZero()) return opaque(value);
    llvm::APFloat magnitude = llvm::abs(number);
    bool lost = false;
    magnitude.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &lost);
    return magnitude.convertToDouble() == 1.0 ? opaque(value) : value;
  };
  auto arithmetic = [&](llvm::Instruction::BinaryOps op) {
    return binary([&](llvm::Value* lhs, llvm::Value* rhs) {
      if (lhs->getType()->isFloatingPointTy()) {
        lhs = hide_identity(lhs);
        rhs = hide_identity(rhs);
      }
      return b.CreateBinOp(op, lhs, rhs);
    });
  };

  using P = llvm::CmpInst::Predicate;
  namespace I = llvm::Intrinsic;
  using Op = llvm::Instruction::BinaryOps;
  switch (instr.op) {
    case Opcode::kI32Const:
      Push(b.getInt32(uint32_t(instr.bits)));
      return true;
    case Opcode::kI64Const:
      Push(b.getInt64(instr.bits));
      return true;
    case Opcode::kF32Const:
      Push(b.CreateBitCast(b.getInt32(uint32_t(instr.bits)), env_.f32));
      return true;
    case Opcode::kF64Const:
      Push(b.CreateBitCast(b.getInt64(instr.bits), env_.f64));
      return true;

    case Opcode::kI32Eqz:
    case Opcode::kI64Eqz:
      return unary([&](llvm::Value* value) {
        return Bool(b.CreateICmpEQ(value, llvm::Constant::getNullValue(value->getType())));
      });
    case Opcode::kI32Eq: case Opcode::kI64Eq: return compare(P::ICMP_EQ);
    case Opcode::kI32Ne: case Opcode::kI64Ne: return compare(P::ICMP_NE);
    case Opcode::kI32LtS: case Opcode::kI64LtS: return compare(P::ICMP_SLT);
    case Opcode::kI32LtU: case Opcode::kI64LtU: return compare(P::ICMP_ULT);
    case Opcode::kI32GtS: case Opcode::kI64GtS: return compare(P::ICMP_SGT);
    case Opcode::kI32GtU: case Opcode::kI64GtU: return compare(P::ICMP_UGT);
    case Opcode::kI32LeS: case Opcode::kI64LeS: return compare(P::ICMP_SLE);
    case Opcode::kI32LeU: case Opcode::kI64LeU: return compare(P::ICMP_ULE);
    case Opcode::kI32GeS: case Opcode::kI64GeS: return compare(P::ICMP_SGE);
    case Opcode::kI32GeU: case Opcode::kI64GeU: return compare(P::ICMP_UGE);
    case Opcode::kF32Eq: case Opcode::kF64Eq: return compare(P::FCMP_OEQ);
    case Opcode::kF32Ne: case Opcode::kF64Ne: return compare(P::FCMP_UNE);
    case Opcode::kF32Lt: case Opcode::kF64Lt: return compare(P::FCMP_OLT);
    case Opcode::kF32Gt: case Opcode::kF64Gt: return compare(P::FCMP_OGT);
    case Opcode::kF32Le: case Opcode::kF64Le: return compare(P::FCMP_OLE);
    case Opcode::kF32Ge: case Opcode::kF64Ge: return compare(P::FCMP_OGE);

    case Opcode::kI32Clz: case Opcode::kI64Clz: return count_zeros(I::ctlz);
    case Opcode::kI32Ctz: case Opcode::kI64Ctz: return count_zeros(I::cttz);
    case Opcode::kI32Popcnt: case Opcode::kI64Popcnt: return intrinsic1(I::ctpop);
    case Opcode::kI32Add: case Opcode::kI64Add: return arithmetic(Op::Add);
    case Opcode::kI32Sub: case Opcode::kI64Sub: return arithmetic(Op::Sub);
    case Opcode::kI32Mul: case Opcode::kI64Mul: return arithmetic(Op::Mul);
    case Opcode::kI32DivS: case Opcode::kI64DivS:
    case Opcode::kI32DivU: case Opcode::kI64DivU:
    case Opcode::kI32RemS: case Opcode::kI64RemS:
    case Opcode::kI32RemU: case Opcode::kI64RemU:
      return division(instr.op);
    case Opcode::kI32And: case Opcode::kI64And: return arithmetic(Op::And);
    case Opcode::kI32Or: case Opcode::kI64Or: return arithmetic(Op::Or);
    case Opcode::kI32Xor: case Opcode::kI64Xor: return arithmetic(Op::Xor);
    case Opcode::kI32Shl: case Opcode::kI64Shl: return shift(Op::Shl);
    case Opcode::kI32ShrS: case Opcode::kI64ShrS: return shift(Op::AShr);
    case Opcode::kI32ShrU: case Opcode::kI64ShrU: return shift(Op::LShr);
    case Opcode::kI32Rotl: case Opcode::kI64Rotl: return rotate(I::fshl);
    case Opcode::kI32Rotr: case Opcode::kI64Rotr: return rotate(I::fshr);

    case Opcode::kF32Abs: case Opcode::kF64Abs: return intrinsic1(I::fabs);
    case Opcode::kF32Neg: case Opcode::kF64Neg:
      return unary([&](llvm::Value* value) { return b.CreateFNeg(value); });
    case Opcode::kF32Ceil: case Opcode::kF64Ceil: return intrinsic1(I::ceil);
    case Opcode::kF32Floor: case Opcode::kF64Floor: return intrinsic1(I::floor);
    case Opcode::kF32Trunc: case Opcode::kF64Trunc: return intrinsic1(I::trunc);
    case Opcode::kF32Nearest: case Opcode::kF64Nearest: return intrinsic1(I::roundeven);
    case Opcode::kF32Sqrt: case Opcode::kF64Sqrt: return intrinsic1(I::sqrt);
    case Opcode::kF32Add: case Opcode::kF64Add: return arithmetic(Op::FAdd);
    case Opcode::kF32Sub: case Opcode::kF64Sub: return arithmetic(Op::FSub);
    case Opcode::kF32Mul: case Opcode::kF64Mul: return arithmetic(Op::FMul);
    case Opcode::kF32Div: case Opcode::kF64Div: return arithmetic(Op::FDiv);
    case Opcode::kF32Min: case Opcode::kF64Min: return min_max(I::minimum);
    case Opcode::kF32Max: case Opcode::kF64Max: return min_max(I::maximum);
    case Opcode::kF32Copysign: case Opcode::kF64Copysign: return intrinsic2(I::copysign);
    default:
      return false;
  }
}

llvm::Value* FunctionTranslator::EmitDivision(Opcode op, llvm::Value* lhs, llvm::Value* rhs) {
  llvm::IRBuilder<>& b = builder_;
  llvm::Type* type = lhs->getType();
  const unsigned bits = type->getIntegerBitWidth();
  TrapIf(b.CreateICmpEQ(rhs, llvm::ConstantInt::get(type, 0)), TrapKind::kIntegerDivideByZero);
  llvm::Value* minus_one = llvm::ConstantInt::getSigned(type, -1);
  switch (op) {
    case Opcode::kI32DivS:
    case Opcode::kI64DivS: {
      llvm::Value* int_min = llvm::ConstantInt::get(type, llvm::APInt::getSignedMinValue(bits));
      TrapIf(b.CreateAnd(b.CreateICmpEQ(lhs, int_min), b.CreateICmpEQ(rhs, minus_one)),
             TrapKind::kIntegerOverflow);
      return b.CreateSDiv(lhs, rhs);
    }
    case Opcode::kI32RemS:
    case Opcode::kI64RemS: {
      // x rem -1 is 0 for every x, and INT_MIN srem -1 is undefined in LLVM,
      // so -1 becomes 1, which gives the same (zero) remainder.
      llvm::Value* safe_rhs =
          b.CreateSelect(b.CreateICmpEQ(rhs, minus_one), llvm::ConstantInt::get(type, 1), rhs);
      return b.CreateSRem(lhs, safe_rhs);
    }
    case Opcode::kI32DivU:
    case Opcode::kI64DivU:
      return b.CreateUDiv(lhs, rhs);
    default:
      return b.CreateURem(lhs, rhs);
  }
}

bool FunctionTranslator::EmitConversion(const Instr& instr) {
  llvm::IRBuilder<>& b = builder_;
  auto cast = [&](llvm::Instruction::CastOps op, llvm::Type* to) {
    llvm::Value* value = Pop();
    // demote(promote(x)) would fold to x, keeping a signalling NaN (see opaque).
    if (op == llvm::Instruction::FPTrunc && llvm::isa<llvm::FPExtInst>(value)) value = HideFromFolding(b, value);
    Push(b.CreateCast(op, value, to));
    return true;
  };
  auto saturate = [&](llvm::Intrinsic::ID id, llvm::Type* to) {
    llvm::Value* value = Pop();
    Push(b.CreateIntrinsic(id, {to, value->getType()}, {value}));
    return true;
  };
  auto sign_extend = [&](unsigned from_bits) {
    llvm::Value* value = Pop();
    Push(b.CreateSExt(b.CreateTrunc(value, b.getIntNTy(from_bits)), value->getType()));
    return true;
  };
  using C = llvm::Instruction::CastOps;
  namespace I = llvm::Intrinsic;
  switch (instr.op) {
    case Opcode::kI32WrapI64: return cast(C::Trunc, env_.i32);
    case Opcode::kI64ExtendI32S: return cast(C::SExt, env_.i64);
    case Opcode::kI64ExtendI32U: return cast(C::ZExt, env_.i64);
    case Opcode::kI32TruncF32S: case Opcode::kI32TruncF32U:
    case Opcode::kI32TruncF64S: case Opcode::kI32TruncF64U:
    case Opcode::kI64TruncF32S: case Opcode::kI64TruncF32U:
    case Opcode::kI64TruncF64S: case Opcode::kI64TruncF64U:
      Push(EmitTruncation(instr.op, Pop()));
      return true;
    case Opcode::kI32TruncSatF32S: case Opcode::kI32TruncSatF64S:
      return saturate(I::fptosi_sat, env_.i32);
    case Opcode::kI32TruncSatF32U: case Opcode::kI32TruncSatF64U:
      return saturate(I::fptoui_sat, env_.i32);
    case Opcode::kI64TruncSatF32S: case Opcode::kI64TruncSatF64S:
      return saturate(I::fptosi_sat, env_.i64);
    case Opcode::kI64TruncSatF32U: case Opcode::kI64TruncSatF64U:
      return saturate(I::fptoui_sat, env_.i64);
    case Opcode::kF32ConvertI32S: case Opcode::kF32ConvertI64S: return cast(C::SIToFP, env_.f32);
    case Opcode::kF32ConvertI32U: case Opcode::kF32ConvertI64U: return cast(C::UIToFP, env_.f32);
    case Opcode::kF64ConvertI32S: case Opcode::kF64ConvertI64S: return cast(C::SIToFP, env_.f64);
    case Opcode::kF64ConvertI32U: case Opcode::kF64ConvertI64U: return cast(C::UIToFP, env_.f64);
    case Opcode::kF32DemoteF64: return cast(C::FPTrunc, env_.f32);
    case Opcode::kF64PromoteF32: return cast(C::FPExt, env_.f64);
    case Opcode::kI32ReinterpretF32: return cast(C::BitCast, env_.i32);
    case Opcode::kI64ReinterpretF64: return cast(C::BitCast, env_.i64);
    case Opcode::kF32ReinterpretI32: return cast(C::BitCast, env_.f32);
    case Opcode::kF64ReinterpretI64: return cast(C::BitCast, env_.f64);
    case Opcode::kI32Extend8S: case Opcode::kI64Extend8S: return sign_extend(8);
    case Opcode::kI32Extend16S: case Opcode::kI64Extend16S: return sign_extend(16);
    case Opcode::kI64Extend32S: return sign_extend(32);
    default:
      return false;
  }
}

llvm::Value* FunctionTranslator::EmitTruncation(Opcode op, llvm::Value* value) {
  llvm::IRBuilder<>& b = builder_;
  const bool is_signed = op == Opcode::kI32TruncF32S || op == Opcode::kI32TruncF64S ||
                         op == Opcode::kI64TruncF32S || op == Opcode::kI64TruncF64S;
  const bool to_i64 = op == Opcode::kI64TruncF32S || op == Opcode::kI64TruncF32U ||
                      op == Opcode::kI64TruncF64S || op == Opcode::kI64TruncF64U;
  const int bits = to_i64 ? 64 : 32;
  llvm::Type* float_type = value->getType();
  auto constant = [&](double number) { return llvm::ConstantFP::get(float_type, number); };

  TrapIf(b.CreateFCmpUNO(value, value), TrapKind::kInvalidConversion);
  // The value truncates into range iff it lies strictly between the
  // neighbours of the range's ends. Powers of two are exact in both float
  // types; -2^(bits-1) - 1 is exact only as an f64 for 32 bits, otherwise
  // the next representable value below -2^(bits-1) is already out of range
  // and the inclusive test on -2^(bits-1) is the exact one.
  llvm::Value* above_lower;
  if (!is_signed) {
    above_lower = b.CreateFCmpOGT(value, constant(-1.0));
  } else if (bits == 32 && float_type->isDoubleTy()) {
    above_lower = b.CreateFCmpOGT(value, constant(-2147483649.0));
  } else {
    above_lower = b.CreateFCmpOGE(value, constant(-std::ldexp(1.0, bits - 1)));
  }
  llvm::Value* below_upper =
      b.CreateFCmpOLT(value, constant(std::ldexp(1.0, is_signed ? bits - 1 : bits)));
  TrapIf(b.CreateNot(b.CreateAnd(above_lower, below_upper)), TrapKind::kIntegerOverflow);
  llvm::Type* int_type = to_i64 ? env_.i64 : env_.i32;
  return is_signed ? b.CreateFPToSI(value, int_type) : b.CreateFPToUI(value, int_type);
}

llvm::Value* FunctionTranslator::EffectiveAddress(llvm::Value* address, uint32_t offset) {
  // 33 bits at most: the runtime's 8 GiB reservation ends in guard pages,
  // so an out-of-bounds access faults instead of needing a check here.
  llvm::Value* base = InvariantField(native::kVmMemoryBase, env_.ptr);
  llvm::Value* index = builder_.CreateZExt(address, env_.i64);
  if (offset != 0) index = builder_.CreateNUWAdd(index, builder_.getInt64(offset));
  return builder_.CreateInBoundsGEP(env_.i8, base, index);
}

bool FunctionTranslator::EmitMemory(const Instr& instr) {
  llvm::IRBuilder<>& b = builder_;
  enum class Extend { kNone, kSigned, kUnsigned };
  auto load = [&](llvm::Type* memory_type, llvm::Type* value_type, Extend extend) {
    llvm::Value* address = EffectiveAddress(Pop(), instr.index2);
    llvm::LoadInst* loaded = b.CreateAlignedLoad(memory_type, address, llvm::Align(1));
    loaded->setMetadata(llvm::LLVMContext::MD_tbaa, linear_memory_access_);
    llvm::Value* value = loaded;
    if (extend == Extend::kSigned) value = b.CreateSExt(value, value_type);
    if (extend == Extend::kUnsigned) value = b.CreateZExt(value, value_type);
    Push(value);
    return true;
  };
  auto store = [&](llvm::Type* memory_type) {
    llvm::Value* value = Pop();
    llvm::Value* address = EffectiveAddress(Pop(), instr.index2);
    if (memory_type != value->getType()) value = b.CreateTrunc(value, memory_type);
    b.CreateAlignedStore(value, address, llvm::Align(1))
        ->setMetadata(llvm::LLVMContext::MD_tbaa, linear_memory_access_);
    return true;
  };
  llvm::Type* i8 = env_.i8;
  llvm::Type* i16 = b.getInt16Ty();
  llvm::Type* i32 = env_.i32;
  llvm::Type* i64 = env_.i64;
  switch (instr.op) {
    case Opcode::kI32Load: return load(i32, i32, Extend::kNone);
    case Opcode::kI64Load: return load(i64, i64, Extend::kNone);
    case Opcode::kF32Load: return load(env_.f32, env_.f32, Extend::kNone);
    case Opcode::kF64Load: return load(env_.f64, env_.f64, Extend::kNone);
    case Opcode::kI32Load8S: return load(i8, i32, Extend::kSigned);
    case Opcode::kI32Load8U: return load(i8, i32, Extend::kUnsigned);
    case Opcode::kI32Load16S: return load(i16, i32, Extend::kSigned);
    case Opcode::kI32Load16U: return load(i16, i32, Extend::kUnsigned);
    case Opcode::kI64Load8S: return load(i8, i64, Extend::kSigned);
    case Opcode::kI64Load8U: return load(i8, i64, Extend::kUnsigned);
    case Opcode::kI64Load16S: return load(i16, i64, Extend::kSigned);
    case Opcode::kI64Load16U: return load(i16, i64, Extend::kUnsigned);
    case Opcode::kI64Load32S: return load(i32, i64, Extend::kSigned);
    case Opcode::kI64Load32U: return load(i32, i64, Extend::kUnsigned);
    case Opcode::kI32Store: return store(i32);
    case Opcode::kI64Store: return store(i64);
    case Opcode::kF32Store: return store(env_.f32);
    case Opcode::kF64Store: return store(env_.f64);
    case Opcode::kI32Store8: case Opcode::kI64Store8: return store(i8);
    case Opcode::kI32Store16: case Opcode::kI64Store16: return store(i16);
    case Opcode::kI64Store32: return store(i32);

    case Opcode::kMemorySize:
      Push(CallHelper(kHelperMemorySize, i32, {vmctx_}));
      return true;
    case Opcode::kMemoryGrow: {
      llvm::Value* delta = Pop();
      Push(CallHelper(kHelperMemoryGrow, i32, {vmctx_, delta}));
      return true;
    }
    case Opcode::kMemoryFill: {
      llvm::Value* length = Pop();
      llvm::Value* value = Pop();
      llvm::Value* destination = Pop();
      TrapUnlessZero(CallHelper(kHelperMemoryFill, i32, {vmctx_, destination, value, length}));
      return true;
    }
    case Opcode::kMemoryCopy: {
      llvm::Value* length = Pop();
      llvm::Value* source = Pop();
      llvm::Value* destination = Pop();
      TrapUnlessZero(CallHelper(kHelperMemoryCopy, i32, {vmctx_, destination, source, length}));
      return true;
    }
    case Opcode::kMemoryInit: {
      llvm::Value* length = Pop();
      llvm::Value* source = Pop();
      llvm::Value* destination = Pop();
      TrapUnlessZero(CallHelper(kHelperMemoryInit, i32,
                                {vmctx_, b.getInt32(instr.index), destination, source, length}));
      return true;
    }
    case Opcode::kDataDrop:
      CallHelper(kHelperDataDrop, env_.void_type, {vmctx_, b.getInt32(instr.index)});
      return true;
    default:
      return false;
  }
}

llvm::Value* FunctionTranslator::TableView(uint32_t table_index) {
  llvm::Value* tables = InvariantField(native::kVmTables, env_.ptr);
  return LoadInvariant(env_.ptr,
                       builder_.CreateConstInBoundsGEP1_64(env_.ptr, tables, table_index));
}

llvm::Value* FunctionTranslator::TableElement(llvm::Value* view, llvm::Value* index) {
  // Size and elements move when the table grows: plain loads.
  llvm::Value* size =
      builder_.CreateLoad(env_.i64, FieldAddress(view, offsetof(native::TableView, size)));
  llvm::Value* index64 = builder_.CreateZExt(index, env_.i64);
  TrapIf(builder_.CreateICmpUGE(index64, size), TrapKind::kTableOutOfBounds);
  llvm::Value* elements = builder_.CreateLoad(
      env_.ptr, FieldAddress(view, offsetof(native::TableView, elements)));
  return builder_.CreateInBoundsGEP(env_.i64, elements, index64);
}

bool FunctionTranslator::EmitTableOrReference(const Instr& instr) {
  llvm::IRBuilder<>& b = builder_;
  llvm::Type* i32 = env_.i32;
  switch (instr.op) {
    case Opcode::kTableGet: {
      llvm::Value* index = Pop();
      llvm::Value* element = b.CreateLoad(env_.i64, TableElement(TableView(instr.index), index));
      Push(ResolveLazyElement(instr.index, index, element));
      return true;
    }
    case Opcode::kTableSet: {
      llvm::Value* value = Pop();
      llvm::Value* index = Pop();
      llvm::Value* view = TableView(instr.index);
      llvm::Value* element = TableElement(view, index);
      // A lazily filled table is resolved by the runtime before any write
      // (Table::MutableRange): table.fill of one element is table.set.
      llvm::Value* lazy_length = b.CreateLoad(
          env_.i64, FieldAddress(view, offsetof(native::TableView, lazy_length)));
      llvm::BasicBlock* store = NewBlock("table.store");
      llvm::BasicBlock* resolve = NewBlock("table.resolve_all");
      llvm::BasicBlock* done = NewBlock("table.set.done");
      BranchUnlikely(b.CreateICmpNE(lazy_length, b.getInt64(0)), resolve, store);
      StartBlock(resolve);
      TrapUnlessZero(CallHelper(kHelperTableFill, i32,
                                {vmctx_, b.getInt32(instr.index), index, value, b.getInt32(1)},
                                HelperCallSite::kCold));
      b.CreateBr(done);
      StartBlock(store);
      b.CreateStore(value, element);
      b.CreateBr(done);
      StartBlock(done);
      return true;
    }
    case Opcode::kTableSize: {
      llvm::Value* view = TableView(instr.index);
      llvm::Value* size =
          b.CreateLoad(env_.i64, FieldAddress(view, offsetof(native::TableView, size)));
      Push(b.CreateTrunc(size, i32));
      return true;
    }
    case Opcode::kTableGrow: {
      llvm::Value* delta = Pop();
      llvm::Value* init = Pop();
      Push(CallHelper(kHelperTableGrow, i32, {vmctx_, b.getInt32(instr.index), init, delta}));
      return true;
    }
    case Opcode::kTableFill: {
      llvm::Value* length = Pop();
      llvm::Value* value = Pop();
      llvm::Value* destination = Pop();
      TrapUnlessZero(CallHelper(kHelperTableFill, i32,
                                {vmctx_, b.getInt32(instr.index), destination, value, length}));
      return true;
    }
    case Opcode::kTableCopy: {
      llvm::Value* length = Pop();
      llvm::Value* source = Pop();
      llvm::Value* destination = Pop();
      TrapUnlessZero(CallHelper(kHelperTableCopy, i32,
                                {vmctx_, b.getInt32(instr.index), b.getInt32(instr.index2),
                                 destination, source, length}));
      return true;
    }
    case Opcode::kTableInit: {
      llvm::Value* length = Pop();
      llvm::Value* source = Pop();
      llvm::Value* destination = Pop();
      TrapUnlessZero(CallHelper(kHelperTableInit, i32,
                                {vmctx_, b.getInt32(instr.index), b.getInt32(instr.index2),
                                 destination, source, length}));
      return true;
    }
    case Opcode::kElemDrop:
      CallHelper(kHelperElemDrop, env_.void_type, {vmctx_, b.getInt32(instr.index)});
      return true;
    case Opcode::kRefNull:
      Push(b.getInt64(0));
      return true;
    case Opcode::kRefIsNull:
      Push(Bool(b.CreateICmpEQ(Pop(), b.getInt64(0))));
      return true;
    case Opcode::kRefFunc: {
      if (instr.index < module_.num_imported_functions) {
        llvm::Value* functions = InvariantField(native::kVmFunctions, env_.ptr);
        Push(LoadInvariant(env_.i64,
                           b.CreateConstInBoundsGEP1_64(env_.ptr, functions, instr.index)));
        return true;
      }
      // Defined functions' Function objects are made on first use.
      llvm::Value* function =
          CallHelper(kHelperRefFunc, env_.ptr, {vmctx_, b.getInt32(instr.index)});
      Push(b.CreatePtrToInt(function, env_.i64));
      return true;
    }
    default:
      return false;
  }
}

llvm::Value* FunctionTranslator::ResolveLazyElement(uint32_t table_index, llvm::Value* index,
                                                    llvm::Value* element) {
  llvm::IRBuilder<>& b = builder_;
  llvm::BasicBlock* loaded = b.GetInsertBlock();
  llvm::BasicBlock* resolve = NewBlock("table.resolve");
  llvm::BasicBlock* join = NewBlock("table.element");
  BranchUnlikely(b.CreateICmpEQ(element, b.getInt64(0)), resolve, join);
  StartBlock(resolve);
  llvm::Value* resolved = CallHelper(kHelperTableGetLazy, env_.i64,
                                     {vmctx_, b.getInt32(table_index), index},
                                     HelperCallSite::kCold);
  b.CreateBr(join);
  StartBlock(join);
  llvm::PHINode* result = b.CreatePHI(env_.i64, 2);
  result->addIncoming(element, loaded);
  result->addIncoming(resolved, resolve);
  return result;
}

llvm::Value* FunctionTranslator::GlobalCell(uint32_t global_index) {
  // The cells never move while the instance lives: hoisted, invariant.
  llvm::Value*& cell = global_cells_[global_index];
  if (!cell) {
    llvm::Value* globals = InvariantField(native::kVmGlobals, env_.ptr);
    llvm::LoadInst* load = entry_builder_.CreateLoad(
        env_.ptr, entry_builder_.CreateConstInBoundsGEP1_64(env_.ptr, globals, global_index));
    load->setMetadata(llvm::LLVMContext::MD_invariant_load,
                      llvm::MDNode::get(env_.context(), {}));
    cell = load;
  }
  return cell;
}

void FunctionTranslator::EmitGlobalGet(uint32_t global_index) {
  const ValType type = module_.GlobalTypeAt(global_index).type;
  Push(FromSlot(builder_.CreateLoad(env_.i64, GlobalCell(global_index)), type));
}

void FunctionTranslator::EmitGlobalSet(uint32_t global_index) {
  const ValType type = module_.GlobalTypeAt(global_index).type;
  builder_.CreateStore(ToSlot(Pop(), type), GlobalCell(global_index));
}

}  // namespace spindle::aot
