// The decoded form of a binary module. A Module is immutable after decoding
// and validation, shared by every instance created from it, and refers into
// the module bytes (code bodies, data segments, names) instead of copying.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/byte_source.h"
#include "engine/binary/opcode.h"
#include "engine/binary/types.h"

namespace spindle {

// One instruction of a constant expression, pre-decoded at load time so that
// instantiation evaluates initializers without re-reading bytes.
struct ConstInstr {
  Opcode op = Opcode::kEnd;
  uint64_t operand = 0;  // constant bits, or a global/function index
};

struct ConstExpr {
  std::vector<ConstInstr> instrs;  // without the final `end`
  uint32_t offset = 0;             // module offset, for error messages
};

struct Import {
  std::string_view module;
  std::string_view name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t type_index = 0;  // kFunc
  TableType table;          // kTable
  MemoryType memory;        // kMemory
  GlobalType global;        // kGlobal
};

struct Export {
  std::string_view name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
};

struct LocalGroup {
  uint32_t count = 0;
  ValType type = ValType::kI32;
};

// A function defined by the module (imports are not in this list).
struct FunctionBody {
  uint32_t type_index = 0;
  std::vector<LocalGroup> locals;
  uint32_t local_count = 0;          // sum of the groups, params excluded
  std::span<const uint8_t> code;     // instructions, up to and including `end`
  uint32_t code_offset = 0;          // module offset of `code`
  uint32_t body_offset = 0;          // module offset of the body's size field
};

struct GlobalDecl {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t table_index = 0;
  ConstExpr offset;
  ValType type = ValType::kFuncRef;
  // One instruction per item (ref.func N, ref.null t or global.get G): in a
  // valid module every item expression is a single instruction, and a flat
  // array keeps hostile segments from costing a heap block per element.
  std::vector<ConstInstr> items;
  // The first item expression that is not a single instruction, kept whole
  // so the validator can report what is wrong with it.
  bool has_complex_item = false;
  ConstExpr complex_item;
  uint32_t section_offset = 0;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t memory_index = 0;
  ConstExpr offset;
  std::span<const uint8_t> bytes;
  uint32_t section_offset = 0;
};

struct CustomSection {
  std::string_view name;
  std::span<const uint8_t> contents;
  uint32_t offset = 0;
};

class Module {
 public:
  // Index spaces, with imports first as the spec defines them.
  uint32_t num_functions() const { return num_imported_functions + uint32_t(functions.size()); }
  uint32_t num_tables() const { return num_imported_tables + uint32_t(tables.size()); }
  uint32_t num_memories() const { return num_imported_memories + uint32_t(memories.size()); }
  uint32_t num_globals() const { return num_imported_globals + uint32_t(globals.size()); }

  // Type of function `index` in the function index space. REQUIRES: valid index.
  const FuncType& FunctionType(uint32_t index) const {
    return types[function_type_indices[index]];
  }
  const TableType& TableTypeAt(uint32_t index) const { return table_types[index]; }
  const MemoryType& MemoryTypeAt(uint32_t index) const { return memory_types[index]; }
  const GlobalType& GlobalTypeAt(uint32_t index) const { return global_types[index]; }

  // The function's name from the name section, or "" if it has none.
  std::string_view FunctionName(uint32_t index) const;

  std::shared_ptr<const ByteSource> source;

  std::vector<FuncType> types;
  std::vector<Import> imports;
  uint32_t num_imported_functions = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  std::vector<FunctionBody> functions;
  std::vector<TableType> tables;      // defined tables only
  std::vector<MemoryType> memories;   // defined memories only
  std::vector<GlobalDecl> globals;    // defined globals only
  std::vector<Export> exports;
  bool has_start = false;
  uint32_t start_function = 0;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  bool has_data_count = false;
  uint32_t data_count = 0;
  std::vector<CustomSection> custom_sections;
  uint32_t code_section_end = 0;  // module offset just past the code section

  // Whole index spaces (imports then definitions), filled by the decoder.
  std::vector<uint32_t> function_type_indices;
  std::vector<TableType> table_types;
  std::vector<MemoryType> memory_types;
  std::vector<GlobalType> global_types;

  // Functions that may be referenced by ref.func in code: those named in
  // element segments, exports or global initializers (spec "C.refs").
  std::vector<bool> declared_function_refs;

  // From the "name" custom section.
  std::string module_name;
  std::unordered_map<uint32_t, std::string_view> function_names;
};

}  // namespace spindle
