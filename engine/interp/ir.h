// The interpreter's register-style code ("IR"). Design note: docs/interpreter.md.
//
// A function is translated on its first call into a byte stream of
// instructions. Each instruction starts with the 8-byte address of its
// handler in the executor (direct threading, dispatched with computed goto)
// followed by its operands:
//   slot     u32   byte offset of a 64-bit slot from the frame pointer
//   imm32    u32   an immediate; imm64: u64
//   offset   u32   a memory access's static offset
//   target   i32   branch target, relative to the start of the instruction
// There is no operand stack: params, locals, one always-zero slot and the
// temporaries of every stack height all live in the frame:
//   [params][locals][zero][temporary for height 0, 1, ...]
// A call's arguments are the caller's top temporaries, and the callee's frame
// starts at the first of them, so arguments are passed without copying and
// results come back in the same slots.
//
// Operands are read with memcpy (the stream is not aligned).
#pragma once

#include <cstdint>
#include <cstring>

namespace spindle::interp {

enum class IrOp : uint16_t {
#define IR_OP(name, operands) k##name,
#include "engine/interp/ir_ops.def"
#undef IR_OP
  kCount,
};

constexpr uint32_t kSlotBytes = 8;

template <typename T>
inline T ReadAt(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

template <typename T>
inline void WriteAt(uint8_t* p, T value) {
  std::memcpy(p, &value, sizeof value);
}

}  // namespace spindle::interp
