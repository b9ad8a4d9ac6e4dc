// The interpreter's dispatch loop. Deliberately one function in one file:
// every handler is a label in Run() so that ip, fp and the memory base stay
// in registers across the whole loop and each handler ends in its own
// indirect jump (computed goto), which predicts far better than a switch.
//
// Handlers read operands at fixed positions after the 8-byte handler address
// (layouts in ir_ops.def). A wasm call never recurses on the C++ stack: it
// pushes a CallFrame and continues in the same loop.
#include "engine/interp/executor.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine/interp/ir.h"
#include "engine/interp/numeric.h"
#include "engine/interp/op_profile.h"
#include "engine/interp/translator.h"
#include "engine/rt/bulk_ops.h"
#include "engine/rt/const_eval.h"
#include "engine/rt/instance.h"
#include "engine/rt/memory.h"

namespace spindle::interp {
namespace {

template <typename T>
inline T Imm(const uint8_t* p) {
  if constexpr (sizeof(T) == 4) {
    return std::bit_cast<T>(ReadAt<uint32_t>(p));
  } else {
    return std::bit_cast<T>(ReadAt<uint64_t>(p));
  }
}

// Most functions have a handful of locals; a libc memset call would cost
// more than the stores.
inline void ZeroSlots(uint64_t* slots, uint32_t count) {
  switch (count) {
    case 4: slots[3] = 0; [[fallthrough]];
    case 3: slots[2] = 0; [[fallthrough]];
    case 2: slots[1] = 0; [[fallthrough]];
    case 1: slots[0] = 0; [[fallthrough]];
    case 0: return;
    default: std::memset(slots, 0, size_t{count} * kSlotBytes);
  }
}

size_t HostSlotCount(const Function* function) {
  return std::max(function->type->params.size(), function->type->results.size());
}

template <BoundsChecks kChecks>
TrapKind Run(ExecState* state, Store* store, Function* entry, uint64_t* args,
             TrapDetails* details, const void* const** table_out) {
  static const void* const kHandlers[] = {
#define IR_OP(name, operands) &&L_##name,
#include "engine/interp/ir_ops.def"
#undef IR_OP
  };
  if (table_out) {
    *table_out = kHandlers;
    return TrapKind::kNone;
  }
  // The code an entry frame returns to.
  static const void* const kExitStub[] = {&&L_ExitToHost};

  constexpr bool kExplicit = kChecks == BoundsChecks::kExplicit;
  const std::atomic<uint64_t>* const epoch = store->engine().epoch_counter();
  uint64_t deadline = store->epoch_deadline();
  uint8_t* const stack_end = reinterpret_cast<uint8_t*>(state->stack_end);
  CallFrame* const frames_last = state->frames_end - 1;

  const uint8_t* ip = nullptr;
  uint8_t* fp = reinterpret_cast<uint8_t*>(args);
  Instance* inst = nullptr;
  Memory* memory = nullptr;
  uint8_t* mem = nullptr;
  uint64_t mem_size = 0;
  uint64_t** globals = nullptr;
  TrapKind trap = TrapKind::kNone;

  // Call state shared by the call handlers.
  Function* callee = nullptr;
  CodeSlot* slot = nullptr;
  Instance* callee_instance = nullptr;
  uint32_t arg_base = 0;
  const uint8_t* next_ip = nullptr;

#define OPND(k) ReadAt<uint32_t>(ip + 8 + 4 * (k))
#define AT(k) (fp + OPND(k))
#define GET(T, k) ReadAt<T>(AT(k))
#define SET(T, k, v) WriteAt<T>(AT(k), static_cast<T>(v))
#ifdef SPINDLE_INTERP_PROFILE
#define DISPATCH()                               \
  do {                                           \
    ProfileDispatch(ReadAt<const void*>(ip));    \
    goto* ReadAt<const void*>(ip);               \
  } while (0)
#else
#define DISPATCH() goto* ReadAt<const void*>(ip)
#endif
#define NEXT(size)  \
  do {              \
    ip += (size);   \
    DISPATCH();     \
  } while (0)
#define TRAP(kind)    \
  do {                \
    trap = (kind);    \
    goto trapped;     \
  } while (0)
#define CHECK_INTERRUPT()                                                             \
  do {                                                                                \
    if (__builtin_expect(epoch->load(std::memory_order_relaxed) >= deadline, 0)) {    \
      TRAP(TrapKind::kInterrupted);                                                   \
    }                                                                                 \
  } while (0)
#define JUMP(field)                          \
  do {                                       \
    const int32_t offset = ReadAt<int32_t>(field); \
    ip += offset;                            \
    if (offset <= 0) CHECK_INTERRUPT();      \
    DISPATCH();                              \
  } while (0)
#define LOAD_INSTANCE()                                                         \
  do {                                                                          \
    memory = inst->memories.empty() ? nullptr : inst->memories[0];              \
    mem = memory ? memory->base() : nullptr;                                    \
    mem_size = memory ? memory->size_bytes() : 0;                               \
    globals = inst->global_values.data();                                       \
    state->guard_begin = mem;                                                   \
    state->guard_end = mem ? mem + MemoryPool::kReservationBytes : nullptr;     \
  } while (0)
#define BOUNDS(ea, n)                                                               \
  do {                                                                              \
    if constexpr (kExplicit) {                                                      \
      if (__builtin_expect((ea) + (n) > mem_size, 0)) TRAP(TrapKind::kMemoryOutOfBounds); \
    }                                                                               \
  } while (0)

  // Enter the entry function as if called with its arguments at `args`.
  callee = entry;
  slot = entry->code;
  callee_instance = entry->instance;
  arg_base = 0;
  next_ip = reinterpret_cast<const uint8_t*>(kExitStub);
  state->in_guest = 1;
  goto enter;

  // ---- Moves and constants ----
L_Copy:
  SET(uint64_t, 0, GET(uint64_t, 1));
  NEXT(16);
L_Copy2:
  SET(uint64_t, 0, GET(uint64_t, 1));
  SET(uint64_t, 2, GET(uint64_t, 3));
  NEXT(24);
L_Const32:
  SET(uint32_t, 0, OPND(1));
  NEXT(16);
L_Const64:
  SET(uint64_t, 0, ReadAt<uint64_t>(ip + 12));
  NEXT(20);

  // ---- Unary operators: D S ----
#define UNARY(NAME, T, R, ...)      \
  L_##NAME : {                      \
    const T a = GET(T, 1);          \
    R r;                            \
    __VA_ARGS__;                    \
    SET(R, 0, r);                   \
    NEXT(16);                       \
  }
#define TRUNC(NAME, T, I)                              \
  UNARY(NAME, T, I, {                                  \
    const TrapKind kind = TruncChecked<I>(a, r);       \
    if (kind != TrapKind::kNone) TRAP(kind);           \
  })
  UNARY(I32Eqz, uint32_t, uint32_t, r = a == 0)
  UNARY(I32Clz, uint32_t, uint32_t, r = std::countl_zero(a))
  UNARY(I32Ctz, uint32_t, uint32_t, r = std::countr_zero(a))
  UNARY(I32Popcnt, uint32_t, uint32_t, r = std::popcount(a))
  UNARY(I64Eqz, uint64_t, uint32_t, r = a == 0)
  UNARY(I64Clz, uint64_t, uint64_t, r = std::countl_zero(a))
  UNARY(I64Ctz, uint64_t, uint64_t, r = std::countr_zero(a))
  UNARY(I64Popcnt, uint64_t, uint64_t, r = std::popcount(a))
  UNARY(F32Abs, uint32_t, uint32_t, r = F32Abs(a))
  UNARY(F32Neg, uint32_t, uint32_t, r = F32Neg(a))
  UNARY(F32Ceil, float, float, r = WasmCeil(a))
  UNARY(F32Floor, float, float, r = WasmFloor(a))
  UNARY(F32Trunc, float, float, r = WasmTrunc(a))
  UNARY(F32Nearest, float, float, r = WasmNearest(a))
  UNARY(F32Sqrt, float, float, r = std::sqrt(a))
  UNARY(F64Abs, uint64_t, uint64_t, r = F64Abs(a))
  UNARY(F64Neg, uint64_t, uint64_t, r = F64Neg(a))
  UNARY(F64Ceil, double, double, r = WasmCeil(a))
  UNARY(F64Floor, double, double, r = WasmFloor(a))
  UNARY(F64Trunc, double, double, r = WasmTrunc(a))
  UNARY(F64Nearest, double, double, r = WasmNearest(a))
  UNARY(F64Sqrt, double, double, r = std::sqrt(a))
  UNARY(I32WrapI64, uint64_t, uint32_t, r = static_cast<uint32_t>(a))
  TRUNC(I32TruncF32S, float, int32_t)
  TRUNC(I32TruncF32U, float, uint32_t)
  TRUNC(I32TruncF64S, double, int32_t)
  TRUNC(I32TruncF64U, double, uint32_t)
  UNARY(I64ExtendI32S, uint32_t, uint64_t, r = static_cast<uint64_t>(static_cast<int32_t>(a)))
  UNARY(I64ExtendI32U, uint32_t, uint64_t, r = a)
  TRUNC(I64TruncF32S, float, int64_t)
  TRUNC(I64TruncF32U, float, uint64_t)
  TRUNC(I64TruncF64S, double, int64_t)
  TRUNC(I64TruncF64U, double, uint64_t)
  UNARY(F32ConvertI32S, uint32_t, float, r = static_cast<float>(static_cast<int32_t>(a)))
  UNARY(F32ConvertI32U, uint32_t, float, r = static_cast<float>(a))
  UNARY(F32ConvertI64S, uint64_t, float, r = static_cast<float>(static_cast<int64_t>(a)))
  UNARY(F32ConvertI64U, uint64_t, float, r = static_cast<float>(a))
  UNARY(F32DemoteF64, double, float, r = static_cast<float>(a))
  UNARY(F64ConvertI32S, uint32_t, double, r = static_cast<double>(static_cast<int32_t>(a)))
  UNARY(F64ConvertI32U, uint32_t, double, r = static_cast<double>(a))
  UNARY(F64ConvertI64S, uint64_t, double, r = static_cast<double>(static_cast<int64_t>(a)))
  UNARY(F64ConvertI64U, uint64_t, double, r = static_cast<double>(a))
  UNARY(F64PromoteF32, float, double, r = static_cast<double>(a))
  UNARY(I32Extend8S, uint32_t, uint32_t, r = static_cast<uint32_t>(static_cast<int8_t>(a)))
  UNARY(I32Extend16S, uint32_t, uint32_t, r = static_cast<uint32_t>(static_cast<int16_t>(a)))
  UNARY(I64Extend8S, uint64_t, uint64_t, r = static_cast<uint64_t>(static_cast<int8_t>(a)))
  UNARY(I64Extend16S, uint64_t, uint64_t, r = static_cast<uint64_t>(static_cast<int16_t>(a)))
  UNARY(I64Extend32S, uint64_t, uint64_t, r = static_cast<uint64_t>(static_cast<int32_t>(a)))
  UNARY(I32TruncSatF32S, float, int32_t, r = TruncSaturating<int32_t>(a))
  UNARY(I32TruncSatF32U, float, uint32_t, r = TruncSaturating<uint32_t>(a))
  UNARY(I32TruncSatF64S, double, int32_t, r = TruncSaturating<int32_t>(a))
  UNARY(I32TruncSatF64U, double, uint32_t, r = TruncSaturating<uint32_t>(a))
  UNARY(I64TruncSatF32S, float, int64_t, r = TruncSaturating<int64_t>(a))
  UNARY(I64TruncSatF32U, float, uint64_t, r = TruncSaturating<uint64_t>(a))
  UNARY(I64TruncSatF64S, double, int64_t, r = TruncSaturating<int64_t>(a))
  UNARY(I64TruncSatF64U, double, uint64_t, r = TruncSaturating<uint64_t>(a))
#undef TRUNC
#undef UNARY

  // ---- Binary operators: SS = D A B, SI = D A imm, IS = D imm A ----
#define BINARY_SS_SI(NAME, T, R, ...)                          \
  L_##NAME##SS : {                                             \
    const T a = GET(T, 1);                                     \
    const T b = GET(T, 2);                                     \
    R r;                                                       \
    __VA_ARGS__;                                               \
    SET(R, 0, r);                                              \
    NEXT(20);                                                  \
  }                                                            \
  L_##NAME##SI : {                                             \
    const T a = GET(T, 1);                                     \
    const T b = Imm<T>(ip + 16);                               \
    R r;                                                       \
    __VA_ARGS__;                                               \
    SET(R, 0, r);                                              \
    NEXT(16 + sizeof(T));                                      \
  }
#define BINARY_IS(NAME, T, R, ...)                                   \
  L_##NAME##IS : {                                                   \
    const T a = Imm<T>(ip + 12);                                     \
    const T b = ReadAt<T>(fp + ReadAt<uint32_t>(ip + 12 + sizeof(T))); \
    R r;                                                             \
    __VA_ARGS__;                                                     \
    SET(R, 0, r);                                                    \
    NEXT(16 + sizeof(T));                                            \
  }
#define BINARY_ALL(NAME, T, R, ...)            \
  BINARY_SS_SI(NAME, T, R, __VA_ARGS__)        \
  BINARY_IS(NAME, T, R, __VA_ARGS__)

#define INTEGER_OPS(P, U, S, BITS)                                                        \
  BINARY_SS_SI(P##Add, U, U, r = a + b)                                                   \
  BINARY_ALL(P##Sub, U, U, r = a - b)                                                     \
  BINARY_SS_SI(P##Mul, U, U, r = a * b)                                                   \
  BINARY_ALL(P##DivS, U, U, {                                                             \
    if (b == 0) TRAP(TrapKind::kIntegerDivideByZero);                                     \
    if (static_cast<S>(a) == std::numeric_limits<S>::min() && static_cast<S>(b) == -1)   \
      TRAP(TrapKind::kIntegerOverflow);                                                   \
    r = static_cast<U>(static_cast<S>(a) / static_cast<S>(b));                            \
  })                                                                                      \
  BINARY_ALL(P##DivU, U, U, {                                                             \
    if (b == 0) TRAP(TrapKind::kIntegerDivideByZero);                                     \
    r = a / b;                                                                            \
  })                                                                                      \
  BINARY_ALL(P##RemS, U, U, {                                                             \
    if (b == 0) TRAP(TrapKind::kIntegerDivideByZero);                                     \
    r = static_cast<S>(b) == -1 ? 0 : static_cast<U>(static_cast<S>(a) % static_cast<S>(b)); \
  })                                                                                      \
  BINARY_ALL(P##RemU, U, U, {                                                             \
    if (b == 0) TRAP(TrapKind::kIntegerDivideByZero);                                     \
    r = a % b;                                                                            \
  })                                                                                      \
  BINARY_SS_SI(P##And, U, U, r = a & b)                                                   \
  BINARY_SS_SI(P##Or, U, U, r = a | b)                                                    \
  BINARY_SS_SI(P##Xor, U, U, r = a ^ b)                                                   \
  BINARY_ALL(P##Shl, U, U, r = a << (b & (BITS - 1)))                                     \
  BINARY_ALL(P##ShrS, U, U, r = static_cast<U>(static_cast<S>(a) >> (b & (BITS - 1))))   \
  BINARY_ALL(P##ShrU, U, U, r = a >> (b & (BITS - 1)))                                    \
  BINARY_ALL(P##Rotl, U, U, r = std::rotl(a, static_cast<int>(b & (BITS - 1))))           \
  BINARY_ALL(P##Rotr, U, U, r = std::rotr(a, static_cast<int>(b & (BITS - 1))))           \
  BINARY_SS_SI(P##Eq, U, uint32_t, r = a == b)                                            \
  BINARY_SS_SI(P##Ne, U, uint32_t, r = a != b)                                            \
  BINARY_SS_SI(P##LtS, U, uint32_t, r = static_cast<S>(a) < static_cast<S>(b))            \
  BINARY_SS_SI(P##LtU, U, uint32_t, r = a < b)                                            \
  BINARY_SS_SI(P##GtS, U, uint32_t, r = static_cast<S>(a) > static_cast<S>(b))            \
  BINARY_SS_SI(P##GtU, U, uint32_t, r = a > b)                                            \
  BINARY_SS_SI(P##LeS, U, uint32_t, r = static_cast<S>(a) <= static_cast<S>(b))           \
  BINARY_SS_SI(P##LeU, U, uint32_t, r = a <= b)                                           \
  BINARY_SS_SI(P##GeS, U, uint32_t, r = static_cast<S>(a) >= static_cast<S>(b))           \
  BINARY_SS_SI(P##GeU, U, uint32_t, r = a >= b)

  INTEGER_OPS(I32, uint32_t, int32_t, 32)
  INTEGER_OPS(I64, uint64_t, int64_t, 64)

#define FLOAT_OPS(P, F, BITS_T, COPYSIGN)                                             \
  BINARY_SS_SI(P##Add, F, F, r = a + b)                                               \
  BINARY_ALL(P##Sub, F, F, r = a - b)                                                 \
  BINARY_SS_SI(P##Mul, F, F, r = a * b)                                               \
  BINARY_ALL(P##Div, F, F, r = a / b)                                                 \
  BINARY_SS_SI(P##Min, F, F, r = WasmMin(a, b))                                       \
  BINARY_SS_SI(P##Max, F, F, r = WasmMax(a, b))                                       \
  BINARY_SS_SI(P##Copysign, BITS_T, BITS_T, r = COPYSIGN(a, b))                       \
  BINARY_SS_SI(P##Eq, F, uint32_t, r = a == b)                                        \
  BINARY_SS_SI(P##Ne, F, uint32_t, r = a != b)                                        \
  BINARY_SS_SI(P##Lt, F, uint32_t, r = a < b)                                         \
  BINARY_SS_SI(P##Gt, F, uint32_t, r = a > b)                                         \
  BINARY_SS_SI(P##Le, F, uint32_t, r = a <= b)                                        \
  BINARY_SS_SI(P##Ge, F, uint32_t, r = a >= b)

  FLOAT_OPS(F32, float, uint32_t, F32Copysign)
  FLOAT_OPS(F64, double, uint64_t, F64Copysign)
#undef FLOAT_OPS
#undef INTEGER_OPS
#undef BINARY_ALL
#undef BINARY_IS
#undef BINARY_SS_SI

  // ---- Memory: loads D A offset, stores A V offset, immediate stores A imm offset ----
#define LOAD(NAME, MEM_T, R)                                                    \
  L_##NAME : {                                                                  \
    const uint64_t ea = uint64_t{GET(uint32_t, 1)} + OPND(2);                   \
    BOUNDS(ea, sizeof(MEM_T));                                                  \
    SET(R, 0, ReadAt<MEM_T>(mem + ea));                                         \
    NEXT(20);                                                                   \
  }                                                                             \
  L_##NAME##AddSS : {                                                           \
    const uint32_t address = GET(uint32_t, 1) + GET(uint32_t, 2);               \
    const uint64_t ea = uint64_t{address} + OPND(3);                            \
    BOUNDS(ea, sizeof(MEM_T));                                                  \
    SET(R, 0, ReadAt<MEM_T>(mem + ea));                                         \
    NEXT(24);                                                                   \
  }                                                                             \
  L_##NAME##AddSI : {                                                           \
    const uint32_t address = GET(uint32_t, 1) + OPND(2);                        \
    const uint64_t ea = uint64_t{address} + OPND(3);                            \
    BOUNDS(ea, sizeof(MEM_T));                                                  \
    SET(R, 0, ReadAt<MEM_T>(mem + ea));                                         \
    NEXT(24);                                                                   \
  }
  LOAD(I32Load, uint32_t, uint32_t)
  LOAD(I64Load, uint64_t, uint64_t)
  LOAD(F32Load, uint32_t, uint32_t)
  LOAD(F64Load, uint64_t, uint64_t)
  LOAD(I32Load8S, int8_t, uint32_t)
  LOAD(I32Load8U, uint8_t, uint32_t)
  LOAD(I32Load16S, int16_t, uint32_t)
  LOAD(I32Load16U, uint16_t, uint32_t)
  LOAD(I64Load8S, int8_t, uint64_t)
  LOAD(I64Load8U, uint8_t, uint64_t)
  LOAD(I64Load16S, int16_t, uint64_t)
  LOAD(I64Load16U, uint16_t, uint64_t)
  LOAD(I64Load32S, int32_t, uint64_t)
  LOAD(I64Load32U, uint32_t, uint64_t)
#undef LOAD

#define STORE(NAME, MEM_T, VALUE_T, IMM_T)                                      \
  L_##NAME : {                                                                  \
    const uint64_t ea = uint64_t{GET(uint32_t, 0)} + OPND(2);                   \
    BOUNDS(ea, sizeof(MEM_T));                                                  \
    WriteAt<MEM_T>(mem + ea, static_cast<MEM_T>(GET(VALUE_T, 1)));              \
    NEXT(20);                                                                   \
  }                                                                             \
  L_##NAME##I : {                                                               \
    const uint64_t ea = uint64_t{GET(uint32_t, 0)} +                            \
                        ReadAt<uint32_t>(ip + 12 + sizeof(IMM_T));              \
    BOUNDS(ea, sizeof(MEM_T));                                                  \
    WriteAt<MEM_T>(mem + ea, static_cast<MEM_T>(ReadAt<IMM_T>(ip + 12)));       \
    NEXT(16 + sizeof(IMM_T));                                                   \
  }                                                                             \
  L_##NAME##AddSS : {                                                           \
    const uint32_t address = GET(uint32_t, 0) + GET(uint32_t, 1);               \
    const uint64_t ea = uint64_t{address} + OPND(3);                            \
    BOUNDS(ea, sizeof(MEM_T));                                                  \
    WriteAt<MEM_T>(mem + ea, static_cast<MEM_T>(GET(VALUE_T, 2)));              \
    NEXT(24);                                                                   \
  }                                                                             \
  L_##NAME##AddSI : {                                                           \
    const uint32_t address = GET(uint32_t, 0) + OPND(1);                        \
    const uint64_t ea = uint64_t{address} + OPND(3);                            \
    BOUNDS(ea, sizeof(MEM_T));                                                  \
    WriteAt<MEM_T>(mem + ea, static_cast<MEM_T>(GET(VALUE_T, 2)));              \
    NEXT(24);                                                                   \
  }                                                                             \
  L_##NAME##IAddSS : {                                                          \
    const uint32_t address = GET(uint32_t, 0) + GET(uint32_t, 1);               \
    const uint64_t ea = uint64_t{address} + ReadAt<uint32_t>(ip + 16 + sizeof(IMM_T)); \
    BOUNDS(ea, sizeof(MEM_T));                                                  \
    WriteAt<MEM_T>(mem + ea, static_cast<MEM_T>(ReadAt<IMM_T>(ip + 16)));       \
    NEXT(20 + sizeof(IMM_T));                                                   \
  }                                                                             \
  L_##NAME##IAddSI : {                                                          \
    const uint32_t address = GET(uint32_t, 0) + OPND(1);                        \
    const uint64_t ea = uint64_t{address} + ReadAt<uint32_t>(ip + 16 + sizeof(IMM_T)); \
    BOUNDS(ea, sizeof(MEM_T));                                                  \
    WriteAt<MEM_T>(mem + ea, static_cast<MEM_T>(ReadAt<IMM_T>(ip + 16)));       \
    NEXT(20 + sizeof(IMM_T));                                                   \
  }
  STORE(I32Store, uint32_t, uint32_t, uint32_t)
  STORE(I64Store, uint64_t, uint64_t, uint64_t)
  STORE(F32Store, uint32_t, uint32_t, uint32_t)
  STORE(F64Store, uint64_t, uint64_t, uint64_t)
  STORE(I32Store8, uint8_t, uint32_t, uint32_t)
  STORE(I32Store16, uint16_t, uint32_t, uint32_t)
  STORE(I64Store8, uint8_t, uint64_t, uint64_t)
  STORE(I64Store16, uint16_t, uint64_t, uint64_t)
  STORE(I64Store32, uint32_t, uint64_t, uint64_t)
#undef STORE

L_MemorySize:
  SET(uint32_t, 0, memory->pages());
  NEXT(12);
L_MemoryGrow: {
  const int64_t old_pages = memory->Grow(GET(uint32_t, 1));
  mem_size = memory->size_bytes();
  SET(uint32_t, 0, static_cast<uint32_t>(old_pages));
  NEXT(16);
}
L_MemoryCopy: {
  const TrapKind kind = MemoryCopy(memory, GET(uint32_t, 0), GET(uint32_t, 1), GET(uint32_t, 2));
  if (kind != TrapKind::kNone) TRAP(kind);
  NEXT(20);
}
L_MemoryFill: {
  const TrapKind kind = MemoryFill(memory, GET(uint32_t, 0), GET(uint32_t, 1), GET(uint32_t, 2));
  if (kind != TrapKind::kNone) TRAP(kind);
  NEXT(20);
}
L_MemoryInit: {
  const TrapKind kind =
      MemoryInitSegment(inst, OPND(0), GET(uint32_t, 1), GET(uint32_t, 2), GET(uint32_t, 3));
  if (kind != TrapKind::kNone) TRAP(kind);
  NEXT(24);
}
L_DataDrop:
  inst->dropped_datas[OPND(0)] = 1;
  NEXT(12);

  // ---- Branches ----
L_Br:
  JUMP(ip + 8);
L_BrIfNez:
  if (GET(uint32_t, 0) != 0) JUMP(ip + 12);
  NEXT(16);
L_BrIfEqz:
  if (GET(uint32_t, 0) == 0) JUMP(ip + 12);
  NEXT(16);
L_BrIfI64Nez:
  if (GET(uint64_t, 0) != 0) JUMP(ip + 12);
  NEXT(16);
L_BrIfI64Eqz:
  if (GET(uint64_t, 0) == 0) JUMP(ip + 12);
  NEXT(16);

#define BRANCH(NAME, U, S, COND)                       \
  L_Br##NAME##SS : {                                   \
    const U a = GET(U, 0);                             \
    const U b = GET(U, 1);                             \
    if (COND) JUMP(ip + 16);                           \
    NEXT(20);                                          \
  }                                                    \
  L_Br##NAME##SI : {                                   \
    const U a = GET(U, 0);                             \
    const U b = Imm<U>(ip + 12);                       \
    if (COND) JUMP(ip + 12 + sizeof(U));               \
    NEXT(16 + sizeof(U));                              \
  }
#define BRANCHES(P, U, S)                                              \
  BRANCH(P##Eq, U, S, a == b)                                          \
  BRANCH(P##Ne, U, S, a != b)                                          \
  BRANCH(P##LtS, U, S, static_cast<S>(a) < static_cast<S>(b))          \
  BRANCH(P##LtU, U, S, a < b)                                          \
  BRANCH(P##GtS, U, S, static_cast<S>(a) > static_cast<S>(b))          \
  BRANCH(P##GtU, U, S, a > b)                                          \
  BRANCH(P##LeS, U, S, static_cast<S>(a) <= static_cast<S>(b))         \
  BRANCH(P##LeU, U, S, a <= b)                                         \
  BRANCH(P##GeS, U, S, static_cast<S>(a) >= static_cast<S>(b))         \
  BRANCH(P##GeU, U, S, a >= b)
  BRANCHES(I32, uint32_t, int32_t)
  BRANCHES(I64, uint64_t, int64_t)
#undef BRANCHES
#undef BRANCH

#define ADD_BRANCH(NAME, COND)                              \
  L_I32AddSIBr##NAME##SS : {                                \
    const uint32_t a = GET(uint32_t, 1) + OPND(2);          \
    SET(uint32_t, 0, a);                                    \
    const uint32_t b = GET(uint32_t, 3);                    \
    if (COND) JUMP(ip + 24);                                \
    NEXT(28);                                               \
  }                                                         \
  L_I32AddSIBr##NAME##SI : {                                \
    const uint32_t a = GET(uint32_t, 1) + OPND(2);          \
    SET(uint32_t, 0, a);                                    \
    const uint32_t b = OPND(3);                             \
    if (COND) JUMP(ip + 24);                                \
    NEXT(28);                                               \
  }
  ADD_BRANCH(Eq, a == b)
  ADD_BRANCH(Ne, a != b)
  ADD_BRANCH(LtS, static_cast<int32_t>(a) < static_cast<int32_t>(b))
  ADD_BRANCH(LtU, a < b)
  ADD_BRANCH(GtS, static_cast<int32_t>(a) > static_cast<int32_t>(b))
  ADD_BRANCH(GtU, a > b)
  ADD_BRANCH(LeS, static_cast<int32_t>(a) <= static_cast<int32_t>(b))
  ADD_BRANCH(LeU, a <= b)
  ADD_BRANCH(GeS, static_cast<int32_t>(a) >= static_cast<int32_t>(b))
  ADD_BRANCH(GeU, a >= b)
#undef ADD_BRANCH

L_BrTable: {
  uint32_t index = GET(uint32_t, 0);
  const uint32_t count = OPND(1);
  if (index > count) index = count;
  JUMP(ip + 16 + 4 * size_t{index});
}

  // ---- Calls ----
L_Call:
  slot = ReadAt<CodeSlot*>(ip + 8);
  arg_base = ReadAt<uint32_t>(ip + 16);
  next_ip = ip + 20;
  callee_instance = inst;
  goto enter;

L_CallImport:
  callee = inst->imported_functions()[OPND(0)];
  arg_base = OPND(1);
  next_ip = ip + 16;
  goto call_function;

L_CallIndirect: {
  Table* table = inst->tables[OPND(0)];
  const uint32_t index = GET(uint32_t, 2);
  if (index >= table->size()) {
    details->message = std::to_string(index);
    TRAP(TrapKind::kUndefinedElement);
  }
  // Get() resolves an element of a lazily filled table on its null branch.
  callee = reinterpret_cast<Function*>(table->Get(index));
  if (!callee) {
    details->message = std::to_string(index);
    TRAP(TrapKind::kUninitializedElement);
  }
  if (callee->type != ReadAt<const FuncType*>(ip + 20)) {
    TRAP(TrapKind::kIndirectCallTypeMismatch);
  }
  arg_base = OPND(1);
  next_ip = ip + 28;
  goto call_function;
}

call_function:
  if (callee->host) {
    uint64_t* const slots = reinterpret_cast<uint64_t*>(fp + arg_base);
    // A host function that calls back into wasm starts above its slots.
    state->stack_top = slots + HostSlotCount(callee);
    state->in_guest = 0;
    const TrapKind host_trap = CallHost(*store, inst, callee, slots, *details);
    state->in_guest = 1;
    state->guard_begin = mem;
    state->guard_end = mem ? mem + MemoryPool::kReservationBytes : nullptr;
    if (host_trap != TrapKind::kNone) TRAP(host_trap);
    mem_size = memory ? memory->size_bytes() : 0;
    deadline = store->epoch_deadline();
    ip = next_ip;
    DISPATCH();
  }
  slot = callee->code;
  callee_instance = callee->instance;
  goto enter;

enter: {
  const InterpCode* code = slot->interp.load(std::memory_order_acquire);
  if (__builtin_expect(code == nullptr, 0)) {
    code = EnsureTranslated(*slot);
    if (!code) {
      details->message = "cannot translate function";
      TRAP(TrapKind::kResourceLimit);
    }
  }
  uint8_t* const new_fp = fp + arg_base;
  if (__builtin_expect(new_fp + size_t{code->frame_slots} * kSlotBytes > stack_end ||
                           state->frame_top >= frames_last,
                       0)) {
    TRAP(TrapKind::kCallStackExhausted);
  }
  CallFrame* const frame = ++state->frame_top;
  frame->return_ip = next_ip;
  frame->return_fp = fp;
  frame->return_instance = inst;
  frame->callee = slot;
  ZeroSlots(reinterpret_cast<uint64_t*>(new_fp) + code->param_slots, code->local_slots);
  fp = new_fp;
  ip = code->code.data();
  if (callee_instance != inst) {
    inst = callee_instance;
    LOAD_INSTANCE();
  }
  CHECK_INTERRUPT();
  DISPATCH();
}

L_Return1:
  WriteAt<uint64_t>(fp, GET(uint64_t, 0));
  goto do_return;

L_Return:
do_return : {
  const CallFrame* const frame = state->frame_top--;
  ip = frame->return_ip;
  fp = frame->return_fp;
  if (frame->return_instance != inst && frame->return_instance) {
    inst = frame->return_instance;
    LOAD_INSTANCE();
  } else if constexpr (kExplicit) {
    mem_size = memory ? memory->size_bytes() : 0;  // a callee may have grown it
  }
  DISPATCH();
}

L_ExitToHost:
  state->in_guest = 0;
  return TrapKind::kNone;

L_Trap:
  TRAP(static_cast<TrapKind>(OPND(0)));

  // ---- Variables, references, tables ----
L_Select:
  SET(uint64_t, 0, GET(uint32_t, 1) ? GET(uint64_t, 2) : GET(uint64_t, 3));
  NEXT(24);
L_GlobalGet:
  SET(uint64_t, 0, *globals[OPND(1)]);
  NEXT(16);
L_GlobalSet:
  *globals[OPND(0)] = GET(uint64_t, 1);
  NEXT(16);
L_RefFunc:
  SET(uint64_t, 0, reinterpret_cast<uint64_t>(inst->function(OPND(1))));
  NEXT(16);
L_RefIsNull:
  SET(uint32_t, 0, GET(uint64_t, 1) == 0);
  NEXT(16);
L_TableGet: {
  Table* table = inst->tables[OPND(1)];
  const uint32_t index = GET(uint32_t, 2);
  if (index >= table->size()) TRAP(TrapKind::kTableOutOfBounds);
  SET(uint64_t, 0, table->Get(index));
  NEXT(20);
}
L_TableSet: {
  Table* table = inst->tables[OPND(0)];
  const uint32_t index = GET(uint32_t, 1);
  if (index >= table->size()) TRAP(TrapKind::kTableOutOfBounds);
  table->Set(index, GET(uint64_t, 2));
  NEXT(20);
}
L_TableSize:
  SET(uint32_t, 0, inst->tables[OPND(1)]->size());
  NEXT(16);
L_TableGrow: {
  const int64_t old_size = inst->tables[OPND(1)]->Grow(GET(uint32_t, 3), GET(uint64_t, 2));
  SET(uint32_t, 0, static_cast<uint32_t>(old_size));
  NEXT(24);
}
L_TableFill: {
  const TrapKind kind = TableFill(inst->tables[OPND(0)], GET(uint32_t, 1), GET(uint64_t, 2),
                                  GET(uint32_t, 3));
  if (kind != TrapKind::kNone) TRAP(kind);
  NEXT(24);
}
L_TableCopy: {
  const TrapKind kind = TableCopy(inst->tables[OPND(0)], inst->tables[OPND(1)],
                                  GET(uint32_t, 2), GET(uint32_t, 3), GET(uint32_t, 4));
  if (kind != TrapKind::kNone) TRAP(kind);
  NEXT(28);
}
L_TableInit: {
  const TrapKind kind = TableInit(inst, OPND(0), inst->tables[OPND(1)], GET(uint32_t, 2),
                                  GET(uint32_t, 3), GET(uint32_t, 4));
  if (kind != TrapKind::kNone) TRAP(kind);
  NEXT(28);
}
L_ElemDrop:
  inst->dropped_elems[OPND(0)] = 1;
  NEXT(12);

trapped:
  state->in_guest = 0;
  details->ip = ip;
  return trap;

#undef BOUNDS
#undef LOAD_INSTANCE
#undef JUMP
#undef CHECK_INTERRUPT
#undef TRAP
#undef NEXT
#undef DISPATCH
#undef SET
#undef GET
#undef AT
#undef OPND
}

template <BoundsChecks kChecks>
TrapKind RunGuarded(ExecState& state, Store& store, Function* function, uint64_t* slots,
                    TrapDetails& details) {
  sigjmp_buf jump;
  TrapContextScope scope(state);
  TrapKind result;
  state.jump = &jump;
  if (sigsetjmp(jump, 0) == 0) {
    result = Run<kChecks>(&state, &store, function, slots, &details, nullptr);
  } else {
    // A guard-page fault; the signal handler recorded the kind.
    result = state.fault;
    details.ip = nullptr;
  }
  return result;
}

}  // namespace

// Kept out of line: the Caller has a destructor, and the dispatch loop's
// indirect gotos may not leave a scope that needs one.
[[gnu::noinline]] TrapKind CallHost(Store& store, Instance* caller_instance,
                                    const Function* function, uint64_t* slots,
                                    TrapDetails& details) {
  Caller caller(store, caller_instance);
  function->host->callback(function->host->env, caller, slots);
  if (caller.trap() != TrapKind::kNone) {
    details.message = caller.message();
    details.exit_code = caller.exit_code();
  }
  return caller.trap();
}

const void* const* HandlerTable(BoundsChecks checks) {
  static const void* const* guard_table = [] {
    const void* const* table = nullptr;
    Run<BoundsChecks::kGuardPages>(nullptr, nullptr, nullptr, nullptr, nullptr, &table);
    return table;
  }();
  static const void* const* explicit_table = [] {
    const void* const* table = nullptr;
    Run<BoundsChecks::kExplicit>(nullptr, nullptr, nullptr, nullptr, nullptr, &table);
    return table;
  }();
  return checks == BoundsChecks::kExplicit ? explicit_table : guard_table;
}

TrapKind Execute(ExecState& state, Store& store, Function* function, uint64_t* slots,
                 TrapDetails& details) {
  if (store.engine().config().bounds_checks == BoundsChecks::kExplicit) {
    return RunGuarded<BoundsChecks::kExplicit>(state, store, function, slots, details);
  }
  return RunGuarded<BoundsChecks::kGuardPages>(state, store, function, slots, details);
}

}  // namespace spindle::interp
