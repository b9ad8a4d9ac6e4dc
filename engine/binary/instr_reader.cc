#include "engine/binary/instr_reader.h"

namespace spindle {

bool ReadValType(ByteReader& reader, ValType& out) {
  const uint64_t offset = reader.Offset();
  const uint8_t byte = reader.ReadByte();
  if (!reader.ok()) return false;
  switch (byte) {
    case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x70: case 0x6f:
      out = static_cast<ValType>(byte);
      return true;
    default:
      return reader.FailAt(offset, "malformed value type");
  }
}

bool ReadRefType(ByteReader& reader, ValType& out) {
  const uint64_t offset = reader.Offset();
  const uint8_t byte = reader.ReadByte();
  if (!reader.ok()) return false;
  if (byte != 0x70 && byte != 0x6f) return reader.FailAt(offset, "malformed reference type");
  out = static_cast<ValType>(byte);
  return true;
}

bool InstrReader::ReadBlockType(BlockType& out) {
  if (reader_.AtEnd()) {
    reader_.ReadByte();  // records "unexpected end"
    return false;
  }
  const uint8_t first = *reader_.Position();
  if (first == 0x40) {
    reader_.ReadByte();
    out.kind = BlockType::Kind::kEmpty;
    return true;
  }
  if ((first & 0xc0) == 0x40) {  // a negative single-byte s33: a value type
    out.kind = BlockType::Kind::kValue;
    return ReadValType(reader_, out.value);
  }
  const uint64_t offset = reader_.Offset();
  const int64_t index = reader_.ReadS33();
  if (!reader_.ok()) return false;
  if (index < 0) return reader_.FailAt(offset, "malformed block type");
  out.kind = BlockType::Kind::kIndex;
  out.type_index = static_cast<uint32_t>(index);
  return true;
}

bool InstrReader::ReadZeroByte() {
  const uint64_t offset = reader_.Offset();
  const uint8_t byte = reader_.ReadByte();
  if (!reader_.ok()) return false;
  if (byte != 0) return reader_.FailAt(offset, "zero byte expected");
  return true;
}

bool InstrReader::Next(Instr& out) {
  out.offset = static_cast<uint32_t>(reader_.Offset());
  const uint8_t byte = reader_.ReadByte();
  if (!reader_.ok()) return false;
  const OpcodeInfo* info;
  if (byte == 0xFC) {
    const uint32_t sub = reader_.ReadU32();
    if (!reader_.ok()) return false;
    info = &PrefixFcInfo(sub);
    if (!info->valid) return reader_.FailAt(out.offset, "illegal opcode");
    out.op = static_cast<Opcode>(0xFC00 | sub);
  } else {
    info = &SingleByteInfo(byte);
    if (!info->valid) return reader_.FailAt(out.offset, "illegal opcode");
    out.op = static_cast<Opcode>(byte);
  }
  switch (info->imm) {
    case ImmKind::None:
      break;
    case ImmKind::Block:
      return ReadBlockType(out.block);
    case ImmKind::Label:
    case ImmKind::Func:
    case ImmKind::Local:
    case ImmKind::Global:
    case ImmKind::Table:
    case ImmKind::Data:
    case ImmKind::Elem:
      out.index = reader_.ReadU32();
      break;
    case ImmKind::LabelTable: {
      const uint32_t count = reader_.ReadU32();
      if (!reader_.ok()) return false;
      if (count > reader_.Remaining()) return reader_.Fail("unexpected end");
      br_targets_.resize(size_t{count} + 1);
      for (uint32_t i = 0; i <= count; ++i) br_targets_[i] = reader_.ReadU32();
      break;
    }
    case ImmKind::CallIndirect:
      out.index = reader_.ReadU32();
      out.index2 = reader_.ReadU32();
      break;
    case ImmKind::SelectT: {
      out.select_arity = reader_.ReadU32();
      if (!reader_.ok()) return false;
      if (out.select_arity > reader_.Remaining()) return reader_.Fail("unexpected end");
      for (uint32_t i = 0; i < out.select_arity; ++i) {
        ValType type;
        if (!ReadValType(reader_, type)) return false;
        if (i == 0) out.type = type;
      }
      break;
    }
    case ImmKind::Memarg:
      out.align = reader_.ReadU32();
      out.index2 = reader_.ReadU32();
      break;
    case ImmKind::MemoryIndex:
      return ReadZeroByte();
    case ImmKind::I32:
      out.bits = static_cast<uint32_t>(reader_.ReadS32());
      break;
    case ImmKind::I64:
      out.bits = static_cast<uint64_t>(reader_.ReadS64());
      break;
    case ImmKind::F32:
      out.bits = reader_.ReadFixedU32();
      break;
    case ImmKind::F64:
      out.bits = reader_.ReadFixedU64();
      break;
    case ImmKind::RefType:
      return ReadRefType(reader_, out.type);
    case ImmKind::MemoryInit:
      out.index = reader_.ReadU32();
      return reader_.ok() && ReadZeroByte();
    case ImmKind::MemoryCopy:
      return ReadZeroByte() && ReadZeroByte();
    case ImmKind::TableInit:
      out.index = reader_.ReadU32();   // element segment
      out.index2 = reader_.ReadU32();  // table
      break;
    case ImmKind::TableCopy:
      out.index = reader_.ReadU32();   // destination table
      out.index2 = reader_.ReadU32();  // source table
      break;
  }
  return reader_.ok();
}

}  // namespace spindle
