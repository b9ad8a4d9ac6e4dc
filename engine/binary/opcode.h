// Opcodes and the per-instruction metadata generated from opcodes.def.
#pragma once

#include <cstdint>

namespace spindle {

enum class Opcode : uint16_t {
#define SPINDLE_OPCODE(name, code, text, imm, t1, t2, r) k##name = code,
#include "engine/binary/opcodes.def"
#undef SPINDLE_OPCODE
};

// How an instruction's immediates are encoded.
enum class ImmKind : uint8_t {
  None, Block, Label, LabelTable, Func, CallIndirect, SelectT, Local, Global,
  Table, Memarg, MemoryIndex, I32, I64, F32, F64, RefType, MemoryInit, Data,
  MemoryCopy, TableInit, Elem, TableCopy,
};

// Operand/result shape of the simple instructions; kNone means "no operand"
// or "handled specially".
enum class OpType : uint8_t { kNone, kI32, kI64, kF32, kF64 };

struct OpcodeInfo {
  const char* text;
  ImmKind imm;
  OpType operand1;
  OpType operand2;
  OpType result;
  bool valid;
};

// Metadata for byte `code` (single-byte opcodes) or 0xFC sub-opcode `code`.
const OpcodeInfo& SingleByteInfo(uint8_t code);
const OpcodeInfo& PrefixFcInfo(uint32_t sub);
const OpcodeInfo& InfoOf(Opcode op);
inline const char* OpcodeText(Opcode op) { return InfoOf(op).text; }

constexpr uint32_t kPrefixFcCount = 18;

}  // namespace spindle
