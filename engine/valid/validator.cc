#include "engine/valid/validator.h"

#include <string>
#include <unordered_set>

#include "engine/base/byte_reader.h"
#include "engine/binary/instr_reader.h"

namespace spindle {
namespace {

Error Invalid(int64_t offset, std::string message) {
  return MakeError(Phase::kValidate, std::move(message), offset);
}

Status CheckLimits(const Limits& limits, uint64_t bound, const char* too_large,
                   int64_t offset) {
  if (limits.min > bound || (limits.has_max && limits.max > bound)) {
    return Invalid(offset, too_large);
  }
  if (limits.has_max && limits.min > limits.max) {
    return Invalid(offset, "size minimum must not be greater than maximum");
  }
  return Ok();
}

Status CheckTableType(const TableType& type) {
  return CheckLimits(type.limits, UINT32_MAX, "table size must be at most 2^32-1", -1);
}

Status CheckMemoryType(const MemoryType& type) {
  return CheckLimits(type.limits, kMaxMemoryPages,
                     "memory size must be at most 65536 pages (4GiB)", -1);
}

// Records ref.func targets outside function bodies: the functions code may
// name in ref.func ("C.refs" in the spec).
void CollectRefs(const ConstExpr& expr, std::vector<bool>& refs) {
  for (const ConstInstr& instr : expr.instrs) {
    if (instr.op == Opcode::kRefFunc && instr.operand < refs.size()) refs[instr.operand] = true;
  }
}

class ModuleValidator {
 public:
  explicit ModuleValidator(Module& module) : module_(module) {}

  Status Run() {
    SPINDLE_TRY(CheckImports());
    SPINDLE_TRY(CheckDefinitions());
    SPINDLE_TRY(CheckExports());
    SPINDLE_TRY(CheckStart());
    SPINDLE_TRY(CheckElements());
    SPINDLE_TRY(CheckData());
    return CheckBodies();
  }

 private:
  Status CheckImports() {
    for (const Import& import : module_.imports) {
      switch (import.kind) {
        case ExternKind::kFunc:
          if (import.type_index >= module_.types.size()) {
            return Invalid(-1, "unknown type " + std::to_string(import.type_index));
          }
          break;
        case ExternKind::kTable:
          SPINDLE_TRY(CheckTableType(import.table));
          break;
        case ExternKind::kMemory:
          SPINDLE_TRY(CheckMemoryType(import.memory));
          break;
        case ExternKind::kGlobal:
          break;
      }
    }
    return Ok();
  }

  Status CheckDefinitions() {
    for (uint32_t index : module_.function_type_indices) {
      if (index >= module_.types.size()) return Invalid(-1, "unknown type " + std::to_string(index));
    }
    for (const TableType& table : module_.tables) SPINDLE_TRY(CheckTableType(table));
    if (module_.num_memories() > 1) return Invalid(-1, "multiple memories");
    for (const MemoryType& memory : module_.memories) SPINDLE_TRY(CheckMemoryType(memory));

    module_.declared_function_refs.assign(module_.num_functions(), false);
    for (const GlobalDecl& global : module_.globals) {
      SPINDLE_TRY(ValidateConstExpr(module_, global.init, global.type.type,
                                    module_.num_imported_globals));
      CollectRefs(global.init, module_.declared_function_refs);
    }
    return Ok();
  }

  Status CheckExports() {
    std::unordered_set<std::string_view> names;
    names.reserve(module_.exports.size());
    for (const Export& exported : module_.exports) {
      if (!names.insert(exported.name).second) return Invalid(-1, "duplicate export name");
      uint32_t bound = 0;
      switch (exported.kind) {
        case ExternKind::kFunc: bound = module_.num_functions(); break;
        case ExternKind::kTable: bound = module_.num_tables(); break;
        case ExternKind::kMemory: bound = module_.num_memories(); break;
        case ExternKind::kGlobal: bound = module_.num_globals(); break;
      }
      if (exported.index >= bound) {
        return Invalid(-1, std::string("unknown ") + ExternKindName(exported.kind) + " " +
                               std::to_string(exported.index));
      }
      if (exported.kind == ExternKind::kFunc) {
        module_.declared_function_refs[exported.index] = true;
      }
    }
    return Ok();
  }

  Status CheckStart() {
    if (!module_.has_start) return Ok();
    if (module_.start_function >= module_.num_functions()) {
      return Invalid(-1, "unknown function " + std::to_string(module_.start_function));
    }
    const FuncType& type = module_.FunctionType(module_.start_function);
    if (!type.params.empty() || !type.results.empty()) return Invalid(-1, "start function");
    return Ok();
  }

  Status CheckElements() {
    for (const ElemSegment& segment : module_.elems) {
      if (segment.mode == SegmentMode::kActive) {
        if (segment.table_index >= module_.num_tables()) {
          return Invalid(segment.section_offset,
                         "unknown table " + std::to_string(segment.table_index));
        }
        SPINDLE_TRY(ValidateConstExpr(module_, segment.offset, ValType::kI32,
                                      module_.num_imported_globals));
        if (module_.TableTypeAt(segment.table_index).element != segment.type) {
          return Invalid(segment.section_offset, "type mismatch");
        }
      }
      if (segment.has_complex_item) {
        SPINDLE_TRY(ValidateConstExpr(module_, segment.complex_item, segment.type,
                                      module_.num_imported_globals));
      }
      for (const ConstInstr& item : segment.items) {
        SPINDLE_TRY(ValidateConstInstrs(module_, {&item, 1}, segment.type,
                                        module_.num_imported_globals, segment.section_offset));
        if (item.op == Opcode::kRefFunc && item.operand < module_.declared_function_refs.size()) {
          module_.declared_function_refs[item.operand] = true;
        }
      }
    }
    return Ok();
  }

  Status CheckData() {
    for (const DataSegment& segment : module_.datas) {
      if (segment.mode != SegmentMode::kActive) continue;
      if (segment.memory_index >= module_.num_memories()) {
        return Invalid(segment.section_offset,
                       "unknown memory " + std::to_string(segment.memory_index));
      }
      SPINDLE_TRY(ValidateConstExpr(module_, segment.offset, ValType::kI32,
                                    module_.num_imported_globals));
    }
    return Ok();
  }

  Status CheckBodies() {
    for (uint32_t i = 0; i < module_.functions.size(); ++i) {
      Status status = ValidateFunctionBody(module_, i);
      if (!status.ok()) {
        // A later body may be malformed; the binary format is checked before
        // typing, so malformedness anywhere wins over a typing error here.
        if (status.error().phase == Phase::kValidate) {
          for (uint32_t j = i + 1; j < module_.functions.size(); ++j) {
            Status structure = ScanBodyEncoding(j);
            if (!structure.ok()) return structure;
          }
        }
        return status;
      }
    }
    return Ok();
  }

  // Decodes every instruction of a body without typing it.
  Status ScanBodyEncoding(uint32_t defined_index) {
    const FunctionBody& body = module_.functions[defined_index];
    ByteReader reader(body.code.data(), body.code.data() + body.code.size(), body.code_offset);
    reader.SetEndMessage("unexpected end of section or function");
    InstrReader instrs(reader);
    Instr instr;
    while (!reader.AtEnd()) {
      if (!instrs.Next(instr)) return reader.error();
    }
    return Ok();
  }

  Module& module_;
};

}  // namespace

Status ValidateModule(Module& module) {
  ModuleValidator validator(module);
  return validator.Run();
}

}  // namespace spindle
