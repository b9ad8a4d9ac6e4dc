#include "engine/binary/decoder.h"

#include <cstring>

#include "engine/base/byte_reader.h"
#include "engine/binary/instr_reader.h"
#include "engine/binary/name_section.h"

namespace spindle {
namespace {

enum SectionId : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5,
  kGlobal = 6, kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11,
  kDataCount = 12,
};

// Position of each section in the required order (data count sits between
// element and code).
int SectionRank(uint8_t id) {
  static constexpr int kRank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRank[id];
}

const char* const kSectionEnd = "unexpected end of section or function";

class Decoder {
 public:
  Decoder(std::shared_ptr<const ByteSource> source, const DecodeLimits& limits)
      : limits_(limits), module_(std::make_shared<Module>()) {
    module_->source = std::move(source);
  }

  Result<std::shared_ptr<Module>> Run();

 private:
  bool DecodeHeader(ByteReader& reader);
  bool DecodeSection(uint8_t id, ByteReader& reader);
  bool DecodeTypes(ByteReader& reader);
  bool DecodeImports(ByteReader& reader);
  bool DecodeFunctions(ByteReader& reader);
  bool DecodeTables(ByteReader& reader);
  bool DecodeMemories(ByteReader& reader);
  bool DecodeGlobals(ByteReader& reader);
  bool DecodeExports(ByteReader& reader);
  bool DecodeStart(ByteReader& reader);
  bool DecodeElements(ByteReader& reader);
  bool DecodeDataCount(ByteReader& reader);
  bool DecodeCode(ByteReader& reader);
  bool DecodeData(ByteReader& reader);
  bool DecodeCustom(ByteReader& reader, uint32_t section_offset);

  bool ReadCount(ByteReader& reader, uint32_t limit, const char* what, uint32_t& count);
  bool ReadLimits(ByteReader& reader, Limits& limits);
  bool ReadTableType(ByteReader& reader, TableType& type);
  bool ReadGlobalType(ByteReader& reader, GlobalType& type);
  bool ReadConstExpr(ByteReader& reader, ConstExpr& expr);
  bool ReadFunctionBody(ByteReader& reader, FunctionBody& body);

  DecodeLimits limits_;
  std::shared_ptr<Module> module_;
  uint32_t declared_function_count_ = 0;
  bool saw_function_section_ = false;
  bool saw_code_section_ = false;
  Error error_;
};

bool Decoder::ReadCount(ByteReader& reader, uint32_t limit, const char* what,
                        uint32_t& count) {
  const uint64_t offset = reader.Offset();
  count = reader.ReadU32();
  if (!reader.ok()) return false;
  // Every element takes at least one byte, so a count beyond the remaining
  // bytes is malformed; checking first keeps vectors from over-reserving.
  if (count > reader.Remaining()) return reader.FailAt(offset, kSectionEnd);
  if (count > limit) {
    return reader.FailAt(offset, std::string("too many ") + what + " (implementation limit)");
  }
  return true;
}

bool Decoder::ReadLimits(ByteReader& reader, Limits& limits) {
  // The flag is a 1-bit LEB128: "\81\00" is too long, 2 is too large.
  const uint64_t flags = reader.ReadUnsignedBits(1);
  if (!reader.ok()) return false;
  limits.min = reader.ReadU32();
  limits.has_max = flags == 1;
  if (limits.has_max) limits.max = reader.ReadU32();
  return reader.ok();
}

bool Decoder::ReadTableType(ByteReader& reader, TableType& type) {
  return ReadRefType(reader, type.element) && ReadLimits(reader, type.limits);
}

bool Decoder::ReadGlobalType(ByteReader& reader, GlobalType& type) {
  if (!ReadValType(reader, type.type)) return false;
  const uint64_t offset = reader.Offset();
  const uint8_t mutability = reader.ReadByte();
  if (!reader.ok()) return false;
  if (mutability > 1) return reader.FailAt(offset, "malformed mutability");
  type.is_mutable = mutability == 1;
  return true;
}

bool Decoder::ReadConstExpr(ByteReader& reader, ConstExpr& expr) {
  expr.offset = static_cast<uint32_t>(reader.Offset());
  InstrReader instrs(reader);
  Instr instr;
  while (instrs.Next(instr)) {
    if (instr.op == Opcode::kEnd) return true;
    ConstInstr constant;
    constant.op = instr.op;
    switch (instr.op) {
      case Opcode::kI32Const:
      case Opcode::kI64Const:
      case Opcode::kF32Const:
      case Opcode::kF64Const:
        constant.operand = instr.bits;
        break;
      case Opcode::kRefNull:
        constant.operand = static_cast<uint64_t>(instr.type);
        break;
      default:
        constant.operand = instr.index;
        break;
    }
    expr.instrs.push_back(constant);
  }
  return false;
}

bool Decoder::DecodeHeader(ByteReader& reader) {
  const uint8_t* magic = reader.ReadBytes(4);
  if (!magic) return false;
  if (std::memcmp(magic, "\0asm", 4) != 0) return reader.FailAt(0, "magic header not detected");
  const uint8_t* version = reader.ReadBytes(4);
  if (!version) return false;
  if (std::memcmp(version, "\1\0\0\0", 4) != 0) {
    return reader.FailAt(4, "unknown binary version");
  }
  return true;
}

Result<std::shared_ptr<Module>> Decoder::Run() {
  const auto bytes = module_->source->bytes();
  ByteReader reader(bytes.data(), bytes.data() + bytes.size(), 0);
  if (!DecodeHeader(reader)) return reader.error();

  int last_rank = 0;
  while (!reader.AtEnd()) {
    const uint64_t section_offset = reader.Offset();
    const uint8_t id = reader.ReadByte();
    if (id > kDataCount) {
      reader.FailAt(section_offset, "malformed section id");
      return reader.error();
    }
    const uint32_t size = reader.ReadU32();
    if (!reader.ok()) return reader.error();
    if (size > reader.Remaining()) {
      reader.FailAt(section_offset, "length out of bounds");
      return reader.error();
    }
    const uint64_t contents_offset = reader.Offset();
    const uint8_t* contents = reader.ReadBytes(size);
    if (id != kCustom) {
      if (SectionRank(id) <= last_rank) {
        reader.FailAt(section_offset, "unexpected content after last section");
        return reader.error();
      }
      last_rank = SectionRank(id);
    }
    ByteReader section(contents, contents + size, contents_offset);
    section.SetEndMessage(kSectionEnd);
    const bool ok = id == kCustom
                        ? DecodeCustom(section, static_cast<uint32_t>(section_offset))
                        : DecodeSection(id, section);
    if (!ok) return section.error();
    if (!section.AtEnd()) {
      section.Fail("section size mismatch");
      return section.error();
    }
  }

  if (declared_function_count_ != module_->functions.size() ||
      (declared_function_count_ > 0 && !saw_code_section_)) {
    return MakeError(Phase::kDecode, "function and code section have inconsistent lengths",
                     static_cast<int64_t>(bytes.size()));
  }
  if (module_->has_data_count && module_->data_count != module_->datas.size()) {
    return MakeError(Phase::kDecode, "data count and data section have inconsistent lengths",
                     static_cast<int64_t>(bytes.size()));
  }
  ParseNameSection(*module_);
  return module_;
}

bool Decoder::DecodeSection(uint8_t id, ByteReader& reader) {
  switch (id) {
    case kType: return DecodeTypes(reader);
    case kImport: return DecodeImports(reader);
    case kFunction: return DecodeFunctions(reader);
    case kTable: return DecodeTables(reader);
    case kMemory: return DecodeMemories(reader);
    case kGlobal: return DecodeGlobals(reader);
    case kExport: return DecodeExports(reader);
    case kStart: return DecodeStart(reader);
    case kElement: return DecodeElements(reader);
    case kDataCount: return DecodeDataCount(reader);
    case kCode: return DecodeCode(reader);
    case kData: return DecodeData(reader);
    default: return reader.Fail("malformed section id");
  }
}

bool Decoder::DecodeTypes(ByteReader& reader) {
  uint32_t count;
  if (!ReadCount(reader, limits_.max_types, "types", count)) return false;
  module_->types.resize(count);
  for (auto& type : module_->types) {
    const uint64_t offset = reader.Offset();
    const uint8_t form = reader.ReadByte();
    if (!reader.ok()) return false;
    if (form != 0x60) return reader.FailAt(offset, "integer representation too long");
    uint32_t params;
    if (!ReadCount(reader, limits_.max_params, "parameters", params)) return false;
    type.params.resize(params);
    for (auto& param : type.params) {
      if (!ReadValType(reader, param)) return false;
    }
    uint32_t results;
    if (!ReadCount(reader, limits_.max_results, "results", results)) return false;
    type.results.resize(results);
    for (auto& result : type.results) {
      if (!ReadValType(reader, result)) return false;
    }
  }
  return true;
}

bool Decoder::DecodeImports(ByteReader& reader) {
  uint32_t count;
  if (!ReadCount(reader, limits_.max_imports, "imports", count)) return false;
  module_->imports.resize(count);
  for (auto& import : module_->imports) {
    import.module = reader.ReadName();
    import.name = reader.ReadName();
    const uint64_t kind_offset = reader.Offset();
    const uint8_t kind = reader.ReadByte();
    if (!reader.ok()) return false;
    switch (kind) {
      case 0:
        import.kind = ExternKind::kFunc;
        import.type_index = reader.ReadU32();
        module_->function_type_indices.push_back(import.type_index);
        ++module_->num_imported_functions;
        break;
      case 1:
        import.kind = ExternKind::kTable;
        if (!ReadTableType(reader, import.table)) return false;
        module_->table_types.push_back(import.table);
        ++module_->num_imported_tables;
        break;
      case 2:
        import.kind = ExternKind::kMemory;
        if (!ReadLimits(reader, import.memory.limits)) return false;
        module_->memory_types.push_back(import.memory);
        ++module_->num_imported_memories;
        break;
      case 3:
        import.kind = ExternKind::kGlobal;
        if (!ReadGlobalType(reader, import.global)) return false;
        module_->global_types.push_back(import.global);
        ++module_->num_imported_globals;
        break;
      default:
        return reader.FailAt(kind_offset, "malformed import kind");
    }
    if (!reader.ok()) return false;
  }
  return true;
}

bool Decoder::DecodeFunctions(ByteReader& reader) {
  uint32_t count;
  if (!ReadCount(reader, limits_.max_functions, "functions", count)) return false;
  saw_function_section_ = true;
  declared_function_count_ = count;
  module_->functions.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t type_index = reader.ReadU32();
    module_->function_type_indices.push_back(type_index);
  }
  return reader.ok();
}

bool Decoder::DecodeTables(ByteReader& reader) {
  uint32_t count;
  if (!ReadCount(reader, 100000, "tables", count)) return false;
  module_->tables.resize(count);
  for (auto& table : module_->tables) {
    if (!ReadTableType(reader, table)) return false;
    module_->table_types.push_back(table);
  }
  return true;
}

bool Decoder::DecodeMemories(ByteReader& reader) {
  uint32_t count;
  if (!ReadCount(reader, 100000, "memories", count)) return false;
  module_->memories.resize(count);
  for (auto& memory : module_->memories) {
    if (!ReadLimits(reader, memory.limits)) return false;
    module_->memory_types.push_back(memory);
  }
  return true;
}

bool Decoder::DecodeGlobals(ByteReader& reader) {
  uint32_t count;
  if (!ReadCount(reader, limits_.max_globals, "globals", count)) return false;
  module_->globals.resize(count);
  for (auto& global : module_->globals) {
    if (!ReadGlobalType(reader, global.type) || !ReadConstExpr(reader, global.init)) {
      return false;
    }
    module_->global_types.push_back(global.type);
  }
  return true;
}

bool Decoder::DecodeExports(ByteReader& reader) {
  uint32_t count;
  if (!ReadCount(reader, limits_.max_exports, "exports", count)) return false;
  module_->exports.resize(count);
  for (auto& exported : module_->exports) {
    exported.name = reader.ReadName();
    const uint64_t kind_offset = reader.Offset();
    const uint8_t kind = reader.ReadByte();
    if (!reader.ok()) return false;
    if (kind > 3) return reader.FailAt(kind_offset, "malformed export kind");
    exported.kind = static_cast<ExternKind>(kind);
    exported.index = reader.ReadU32();
  }
  return reader.ok();
}

bool Decoder::DecodeStart(ByteReader& reader) {
  module_->has_start = true;
  module_->start_function = reader.ReadU32();
  return reader.ok();
}

bool Decoder::DecodeElements(ByteReader& reader) {
  uint32_t count;
  if (!ReadCount(reader, limits_.max_elem_segments, "element segments", count)) return false;
  module_->elems.resize(count);
  for (auto& segment : module_->elems) {
    segment.section_offset = static_cast<uint32_t>(reader.Offset());
    const uint32_t flags = reader.ReadU32();
    if (!reader.ok()) return false;
    if (flags > 7) return reader.FailAt(segment.section_offset, "malformed elements segment kind");
    const bool passive_or_declarative = flags & 1;
    const bool explicit_table = flags & 2;
    const bool uses_exprs = flags & 4;
    if (!passive_or_declarative) {
      segment.mode = SegmentMode::kActive;
      if (explicit_table) segment.table_index = reader.ReadU32();
      if (!ReadConstExpr(reader, segment.offset)) return false;
    } else {
      segment.mode = explicit_table ? SegmentMode::kDeclarative : SegmentMode::kPassive;
    }
    // Flags 0 and 4 imply funcref; the others name the element kind or type.
    if (passive_or_declarative || explicit_table) {
      if (uses_exprs) {
        if (!ReadRefType(reader, segment.type)) return false;
      } else {
        const uint64_t kind_offset = reader.Offset();
        const uint8_t kind = reader.ReadByte();
        if (!reader.ok()) return false;
        if (kind != 0) return reader.FailAt(kind_offset, "malformed element kind");
        segment.type = ValType::kFuncRef;
      }
    }
    uint32_t items;
    if (!ReadCount(reader, UINT32_MAX, "elements", items)) return false;
    segment.items.resize(items);
    ConstExpr expr;
    for (auto& item : segment.items) {
      if (!uses_exprs) {
        item = {Opcode::kRefFunc, reader.ReadU32()};
        if (!reader.ok()) return false;
        continue;
      }
      expr.instrs.clear();
      if (!ReadConstExpr(reader, expr)) return false;
      if (expr.instrs.size() == 1) {
        item = expr.instrs[0];
      } else {
        item = {Opcode::kRefNull, static_cast<uint64_t>(segment.type)};
        if (!segment.has_complex_item) {
          segment.has_complex_item = true;
          segment.complex_item = expr;
        }
      }
    }
  }
  return true;
}

bool Decoder::DecodeDataCount(ByteReader& reader) {
  module_->has_data_count = true;
  module_->data_count = reader.ReadU32();
  return reader.ok();
}

bool Decoder::ReadFunctionBody(ByteReader& reader, FunctionBody& body) {
  body.body_offset = static_cast<uint32_t>(reader.Offset());
  const uint32_t size = reader.ReadU32();
  if (!reader.ok()) return false;
  if (size > reader.Remaining()) return reader.FailAt(body.body_offset, kSectionEnd);
  if (size > limits_.max_function_size) {
    return reader.FailAt(body.body_offset, "function body too large (implementation limit)");
  }
  const uint64_t start = reader.Offset();
  const uint8_t* bytes = reader.ReadBytes(size);
  ByteReader local(bytes, bytes + size, start);
  local.SetEndMessage(kSectionEnd);
  uint32_t groups;
  if (!ReadCount(local, UINT32_MAX, "local groups", groups)) {
    reader.FailAt(local.error().offset, local.error().message);
    return false;
  }
  body.locals.resize(groups);
  uint64_t total = 0;
  const uint64_t locals_offset = local.Offset();
  for (auto& group : body.locals) {
    group.count = local.ReadU32();
    if (!ReadValType(local, group.type)) break;
    total += group.count;
  }
  if (local.ok() && total > UINT32_MAX) local.FailAt(locals_offset, "too many locals");
  if (local.ok() && total > limits_.max_locals) {
    local.FailAt(locals_offset, "too many locals: " + std::to_string(total) +
                                    " exceeds the implementation limit of " +
                                    std::to_string(limits_.max_locals));
  }
  if (!local.ok()) {
    reader.FailAt(local.error().offset, local.error().message);
    return false;
  }
  body.local_count = static_cast<uint32_t>(total);
  body.code_offset = static_cast<uint32_t>(local.Offset());
  body.code = {local.Position(), local.End()};
  return true;
}

bool Decoder::DecodeCode(ByteReader& reader) {
  saw_code_section_ = true;
  uint32_t count;
  if (!ReadCount(reader, limits_.max_functions, "functions", count)) return false;
  if (count != declared_function_count_) {
    return reader.FailAt(reader.Offset(), "function and code section have inconsistent lengths");
  }
  module_->functions.resize(count);
  const uint32_t first = module_->num_imported_functions;
  for (uint32_t i = 0; i < count; ++i) {
    auto& body = module_->functions[i];
    body.type_index = module_->function_type_indices[first + i];
    if (!ReadFunctionBody(reader, body)) return false;
  }
  module_->code_section_end = static_cast<uint32_t>(reader.Offset() + reader.Remaining());
  return true;
}

bool Decoder::DecodeData(ByteReader& reader) {
  uint32_t count;
  if (!ReadCount(reader, limits_.max_data_segments, "data segments", count)) return false;
  module_->datas.resize(count);
  for (auto& segment : module_->datas) {
    segment.section_offset = static_cast<uint32_t>(reader.Offset());
    const uint32_t flags = reader.ReadU32();
    if (!reader.ok()) return false;
    switch (flags) {
      case 0:
        segment.mode = SegmentMode::kActive;
        if (!ReadConstExpr(reader, segment.offset)) return false;
        break;
      case 1:
        segment.mode = SegmentMode::kPassive;
        break;
      case 2:
        segment.mode = SegmentMode::kActive;
        segment.memory_index = reader.ReadU32();
        if (!ReadConstExpr(reader, segment.offset)) return false;
        break;
      default:
        return reader.FailAt(segment.section_offset, "malformed data segment kind");
    }
    const uint32_t size = reader.ReadU32();
    if (!reader.ok()) return false;
    if (size > reader.Remaining()) return reader.Fail("unexpected end of section or function");
    const uint8_t* bytes = reader.ReadBytes(size);
    segment.bytes = {bytes, size};
  }
  return true;
}

bool Decoder::DecodeCustom(ByteReader& reader, uint32_t section_offset) {
  reader.SetEndMessage("unexpected end");
  CustomSection custom;
  custom.offset = section_offset;
  custom.name = reader.ReadName();
  if (!reader.ok()) {
    // A name longer than its section is "length out of bounds" in the spec
    // suite, not a generic end-of-section error.
    return false;
  }
  const size_t remaining = reader.Remaining();
  custom.contents = {reader.ReadBytes(remaining), remaining};
  module_->custom_sections.push_back(custom);
  return true;
}

}  // namespace

Result<std::shared_ptr<Module>> DecodeModule(std::shared_ptr<const ByteSource> source,
                                             const DecodeLimits& limits) {
  Decoder decoder(std::move(source), limits);
  return decoder.Run();
}

}  // namespace spindle
