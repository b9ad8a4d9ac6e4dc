// Decodes one instruction at a time: the opcode and its immediates. Shared by
// the validator, the interpreter's translator and the constant-expression
// decoder so that the binary encoding is read in exactly one place.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/base/byte_reader.h"
#include "engine/binary/opcode.h"
#include "engine/binary/types.h"

namespace spindle {

struct Instr {
  Opcode op = Opcode::kNop;
  uint32_t offset = 0;  // module offset of the opcode
  // Immediates; which ones are set depends on the opcode's ImmKind:
  //   index:  local, global, function, table, type, label, elem or data index
  //   index2: call_indirect/table.init table, table.copy source, memarg offset
  //   align:  memarg alignment exponent
  uint32_t index = 0;
  uint32_t index2 = 0;
  uint32_t align = 0;
  uint64_t bits = 0;  // the constant of i32/i64/f32/f64.const (raw bits)
  BlockType block;
  ValType type = ValType::kI32;  // ref.null's type, typed select's type
  uint32_t select_arity = 0;     // number of types in a typed select
};

class InstrReader {
 public:
  explicit InstrReader(ByteReader& reader) : reader_(reader) {}

  // Decodes the next instruction into `out`. Returns false (with the error in
  // the ByteReader) on malformed input.
  bool Next(Instr& out);

  // br_table's targets from the last Next(), default target last.
  const std::vector<uint32_t>& br_targets() const { return br_targets_; }

 private:
  bool ReadBlockType(BlockType& out);
  bool ReadZeroByte();

  ByteReader& reader_;
  std::vector<uint32_t> br_targets_;
};

// Reads a value type byte; fails with "malformed value type" otherwise.
bool ReadValType(ByteReader& reader, ValType& out);
// Reads a reference type byte; fails with "malformed reference type".
bool ReadRefType(ByteReader& reader, ValType& out);

}  // namespace spindle
