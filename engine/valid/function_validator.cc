// Type-checks one function body with the operand and control stacks of the
// spec's validation algorithm (appendix "Validation Algorithm"); the helper
// names follow it: PushVal, PopVal, PushCtrl, PopCtrl, LabelTypes,
// Unreachable.
#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "engine/base/byte_reader.h"
#include "engine/binary/instr_reader.h"
#include "engine/valid/validator.h"

namespace spindle {
namespace {

// Stands for "any type" on the operand stack after unreachable code.
constexpr ValType kUnknown = static_cast<ValType>(0);

ValType ToValType(OpType type) {
  switch (type) {
    case OpType::kI32: return ValType::kI32;
    case OpType::kI64: return ValType::kI64;
    case OpType::kF32: return ValType::kF32;
    case OpType::kF64: return ValType::kF64;
    case OpType::kNone: break;
  }
  return kUnknown;
}

// Natural alignment exponent of a memory access.
uint32_t NaturalAlignment(Opcode op) {
  switch (op) {
    case Opcode::kI32Load8S: case Opcode::kI32Load8U: case Opcode::kI64Load8S:
    case Opcode::kI64Load8U: case Opcode::kI32Store8: case Opcode::kI64Store8:
      return 0;
    case Opcode::kI32Load16S: case Opcode::kI32Load16U: case Opcode::kI64Load16S:
    case Opcode::kI64Load16U: case Opcode::kI32Store16: case Opcode::kI64Store16:
      return 1;
    case Opcode::kI32Load: case Opcode::kF32Load: case Opcode::kI64Load32S:
    case Opcode::kI64Load32U: case Opcode::kI32Store: case Opcode::kF32Store:
    case Opcode::kI64Store32:
      return 2;
    default:
      return 3;
  }
}

struct ControlFrame {
  Opcode opcode;
  std::span<const ValType> params;
  std::span<const ValType> results;
  size_t height;
  bool unreachable;
};

// Single-type spans for block types like `(result i32)`.
const ValType kSingleTypes[] = {ValType::kI32, ValType::kI64, ValType::kF32,
                                ValType::kF64, ValType::kFuncRef, ValType::kExternRef};

std::span<const ValType> SingleType(ValType type) {
  for (const ValType& candidate : kSingleTypes) {
    if (candidate == type) return {&candidate, 1};
  }
  return {};
}

class FunctionValidator {
 public:
  FunctionValidator(const Module& module, uint32_t defined_index)
      : module_(module),
        body_(module.functions[defined_index]),
        function_index_(module.num_imported_functions + defined_index),
        type_(module.types[body_.type_index]),
        reader_(body_.code.data(), body_.code.data() + body_.code.size(), body_.code_offset),
        instrs_(reader_) {
    reader_.SetEndMessage("unexpected end of section or function");
  }

  Status Run();

 private:
  // Returns false after recording the first error.
  bool Fail(std::string message) {
    if (!failed_) {
      failed_ = true;
      error_ = MakeError(Phase::kValidate, std::move(message), instr_.offset, function_index_);
    }
    return false;
  }
  bool FailDecode(std::string message) {
    if (!failed_) {
      failed_ = true;
      error_ = MakeError(Phase::kDecode, std::move(message), instr_.offset, function_index_);
    }
    return false;
  }

  void PushVal(ValType type) { vals_.push_back(type); }
  bool PopAny(ValType& out) {
    const ControlFrame& frame = ctrls_.back();
    if (vals_.size() == frame.height) {
      if (frame.unreachable) {
        out = kUnknown;
        return true;
      }
      return Fail("type mismatch");
    }
    out = vals_.back();
    vals_.pop_back();
    return true;
  }
  bool PopVal(ValType expected, ValType* actual_out = nullptr) {
    ValType actual = kUnknown;
    if (!PopAny(actual)) return false;
    if (actual != expected && actual != kUnknown && expected != kUnknown) {
      return Fail("type mismatch");
    }
    if (actual_out) *actual_out = actual;
    return true;
  }
  bool PopVals(std::span<const ValType> types) {
    for (size_t i = types.size(); i-- > 0;) {
      if (!PopVal(types[i])) return false;
    }
    return true;
  }
  void PushVals(std::span<const ValType> types) {
    vals_.insert(vals_.end(), types.begin(), types.end());
  }
  void PushCtrl(Opcode opcode, std::span<const ValType> params,
                std::span<const ValType> results) {
    ctrls_.push_back({opcode, params, results, vals_.size(), false});
    PushVals(params);
  }
  bool PopCtrl(ControlFrame& out) {
    if (ctrls_.empty()) return Fail("type mismatch");
    const ControlFrame frame = ctrls_.back();
    if (!PopVals(frame.results)) return false;
    if (vals_.size() != frame.height) return Fail("type mismatch");
    ctrls_.pop_back();
    out = frame;
    return true;
  }
  static std::span<const ValType> LabelTypes(const ControlFrame& frame) {
    return frame.opcode == Opcode::kLoop ? frame.params : frame.results;
  }
  void Unreachable() {
    vals_.resize(ctrls_.back().height);
    ctrls_.back().unreachable = true;
  }

  bool BlockSignature(const BlockType& block, std::span<const ValType>& params,
                      std::span<const ValType>& results);
  bool CheckLabel(uint32_t depth) {
    if (depth >= ctrls_.size()) return Fail("unknown label " + std::to_string(depth));
    return true;
  }
  const ControlFrame& Label(uint32_t depth) const { return ctrls_[ctrls_.size() - 1 - depth]; }

  bool CheckMemory() {
    if (module_.num_memories() == 0) return Fail("unknown memory 0");
    return true;
  }
  bool CheckTable(uint32_t index) {
    if (index >= module_.num_tables()) return Fail("unknown table " + std::to_string(index));
    return true;
  }
  bool CheckDataSegment(uint32_t index) {
    // Without a data count section the reference interpreter treats the
    // segment count as 0 when there is no data section, so only a module
    // that has data segments but no count is malformed.
    if (!module_.has_data_count && !module_.datas.empty()) {
      return FailDecode("data count section required");
    }
    if (index >= module_.data_count) return Fail("unknown data segment " + std::to_string(index));
    return true;
  }
  bool CheckElemSegment(uint32_t index) {
    if (index >= module_.elems.size()) return Fail("unknown elem segment " + std::to_string(index));
    return true;
  }
  bool LocalType(uint32_t index, ValType& out);

  bool Step();
  Status BodyEndedEarly();
  Status DecodeError();
  Status ScanRest(size_t depth);
  bool StepSimple(const OpcodeInfo& info);
  bool StepMemory(const OpcodeInfo& info);

  const Module& module_;
  const FunctionBody& body_;
  uint32_t function_index_;
  const FuncType& type_;
  ByteReader reader_;
  InstrReader instrs_;
  Instr instr_;
  std::vector<ValType> vals_;
  std::vector<ControlFrame> ctrls_;
  std::vector<ValType> popped_;
  bool failed_ = false;
  Error error_;
};

bool FunctionValidator::BlockSignature(const BlockType& block, std::span<const ValType>& params,
                                       std::span<const ValType>& results) {
  switch (block.kind) {
    case BlockType::Kind::kEmpty:
      params = {};
      results = {};
      return true;
    case BlockType::Kind::kValue:
      params = {};
      results = SingleType(block.value);
      return true;
    case BlockType::Kind::kIndex:
      if (block.type_index >= module_.types.size()) {
        return Fail("unknown type " + std::to_string(block.type_index));
      }
      params = module_.types[block.type_index].params;
      results = module_.types[block.type_index].results;
      return true;
  }
  return false;
}

bool FunctionValidator::LocalType(uint32_t index, ValType& out) {
  if (index < type_.params.size()) {
    out = type_.params[index];
    return true;
  }
  uint64_t remaining = index - type_.params.size();
  for (const LocalGroup& group : body_.locals) {
    if (remaining < group.count) {
      out = group.type;
      return true;
    }
    remaining -= group.count;
  }
  return Fail("unknown local " + std::to_string(index));
}

bool FunctionValidator::StepSimple(const OpcodeInfo& info) {
  if (info.operand2 != OpType::kNone && !PopVal(ToValType(info.operand2))) return false;
  if (info.operand1 != OpType::kNone && !PopVal(ToValType(info.operand1))) return false;
  if (info.result != OpType::kNone) PushVal(ToValType(info.result));
  return true;
}

bool FunctionValidator::StepMemory(const OpcodeInfo& info) {
  if (!CheckMemory()) return false;
  if (instr_.align > NaturalAlignment(instr_.op)) {
    return Fail("alignment must not be larger than natural");
  }
  return StepSimple(info);
}

bool FunctionValidator::Step() {
  const OpcodeInfo& info = InfoOf(instr_.op);
  switch (instr_.op) {
    case Opcode::kUnreachable:
      Unreachable();
      return true;
    case Opcode::kNop:
      return true;
    case Opcode::kBlock:
    case Opcode::kLoop: {
      std::span<const ValType> params, results;
      if (!BlockSignature(instr_.block, params, results) || !PopVals(params)) return false;
      PushCtrl(instr_.op, params, results);
      return true;
    }
    case Opcode::kIf: {
      std::span<const ValType> params, results;
      if (!BlockSignature(instr_.block, params, results) || !PopVal(ValType::kI32) ||
          !PopVals(params)) {
        return false;
      }
      PushCtrl(Opcode::kIf, params, results);
      return true;
    }
    case Opcode::kElse: {
      // The binary grammar only has `else` inside `if`; anywhere else the
      // enclosing sequence needed its END.
      if (ctrls_.empty() || ctrls_.back().opcode != Opcode::kIf) {
        return FailDecode("END opcode expected");
      }
      ControlFrame frame;
      if (!PopCtrl(frame)) return false;
      PushCtrl(Opcode::kElse, frame.params, frame.results);
      return true;
    }
    case Opcode::kEnd: {
      ControlFrame frame;
      if (!PopCtrl(frame)) return false;
      // An `if` without `else` behaves as if the else branch passed its
      // parameters through, so they must equal the results.
      if (frame.opcode == Opcode::kIf &&
          !std::equal(frame.params.begin(), frame.params.end(), frame.results.begin(),
                      frame.results.end())) {
        return Fail("type mismatch");
      }
      PushVals(frame.results);
      return true;
    }
    case Opcode::kBr:
      if (!CheckLabel(instr_.index) || !PopVals(LabelTypes(Label(instr_.index)))) return false;
      Unreachable();
      return true;
    case Opcode::kBrIf: {
      if (!PopVal(ValType::kI32) || !CheckLabel(instr_.index)) return false;
      const auto types = LabelTypes(Label(instr_.index));
      if (!PopVals(types)) return false;
      PushVals(types);
      return true;
    }
    case Opcode::kBrTable: {
      if (!PopVal(ValType::kI32)) return false;
      const auto& targets = instrs_.br_targets();
      const uint32_t default_depth = targets.back();
      if (!CheckLabel(default_depth)) return false;
      const size_t arity = LabelTypes(Label(default_depth)).size();
      for (size_t i = 0; i + 1 < targets.size(); ++i) {
        if (!CheckLabel(targets[i])) return false;
        const auto types = LabelTypes(Label(targets[i]));
        if (types.size() != arity) return Fail("type mismatch");
        // Pop and re-push so each target is checked against the same values.
        popped_.clear();
        for (size_t j = types.size(); j-- > 0;) {
          ValType actual = kUnknown;
          if (!PopVal(types[j], &actual)) return false;
          popped_.push_back(actual);
        }
        for (size_t j = popped_.size(); j-- > 0;) PushVal(popped_[j]);
      }
      if (!PopVals(LabelTypes(Label(default_depth)))) return false;
      Unreachable();
      return true;
    }
    case Opcode::kReturn:
      if (!PopVals(type_.results)) return false;
      Unreachable();
      return true;
    case Opcode::kCall: {
      if (instr_.index >= module_.num_functions()) {
        return Fail("unknown function " + std::to_string(instr_.index));
      }
      const FuncType& callee = module_.FunctionType(instr_.index);
      if (!PopVals(callee.params)) return false;
      PushVals(callee.results);
      return true;
    }
    case Opcode::kCallIndirect: {
      if (!CheckTable(instr_.index2)) return false;
      if (module_.TableTypeAt(instr_.index2).element != ValType::kFuncRef) {
        return Fail("type mismatch");
      }
      if (instr_.index >= module_.types.size()) {
        return Fail("unknown type " + std::to_string(instr_.index));
      }
      const FuncType& callee = module_.types[instr_.index];
      if (!PopVal(ValType::kI32) || !PopVals(callee.params)) return false;
      PushVals(callee.results);
      return true;
    }
    case Opcode::kDrop: {
      ValType ignored = kUnknown;
      return PopAny(ignored);
    }
    case Opcode::kSelect: {
      ValType first = kUnknown, second = kUnknown;
      if (!PopVal(ValType::kI32) || !PopAny(first) || !PopAny(second)) return false;
      // Untyped select only works on numeric types.
      if ((first != kUnknown && !IsNumType(first)) || (second != kUnknown && !IsNumType(second))) {
        return Fail("type mismatch");
      }
      if (first != second && first != kUnknown && second != kUnknown) {
        return Fail("type mismatch");
      }
      PushVal(first == kUnknown ? second : first);
      return true;
    }
    case Opcode::kSelectT: {
      if (instr_.select_arity != 1) return Fail("invalid result arity");
      if (!PopVal(ValType::kI32) || !PopVal(instr_.type) || !PopVal(instr_.type)) return false;
      PushVal(instr_.type);
      return true;
    }
    case Opcode::kLocalGet: {
      ValType type;
      if (!LocalType(instr_.index, type)) return false;
      PushVal(type);
      return true;
    }
    case Opcode::kLocalSet: {
      ValType type;
      return LocalType(instr_.index, type) && PopVal(type);
    }
    case Opcode::kLocalTee: {
      ValType type;
      if (!LocalType(instr_.index, type) || !PopVal(type)) return false;
      PushVal(type);
      return true;
    }
    case Opcode::kGlobalGet:
      if (instr_.index >= module_.num_globals()) {
        return Fail("unknown global " + std::to_string(instr_.index));
      }
      PushVal(module_.GlobalTypeAt(instr_.index).type);
      return true;
    case Opcode::kGlobalSet: {
      if (instr_.index >= module_.num_globals()) {
        return Fail("unknown global " + std::to_string(instr_.index));
      }
      const GlobalType& type = module_.GlobalTypeAt(instr_.index);
      if (!type.is_mutable) return Fail("global is immutable");
      return PopVal(type.type);
    }
    case Opcode::kTableGet:
      if (!CheckTable(instr_.index) || !PopVal(ValType::kI32)) return false;
      PushVal(module_.TableTypeAt(instr_.index).element);
      return true;
    case Opcode::kTableSet:
      return CheckTable(instr_.index) && PopVal(module_.TableTypeAt(instr_.index).element) &&
             PopVal(ValType::kI32);
    case Opcode::kMemorySize:
      if (!CheckMemory()) return false;
      PushVal(ValType::kI32);
      return true;
    case Opcode::kMemoryGrow:
      if (!CheckMemory() || !PopVal(ValType::kI32)) return false;
      PushVal(ValType::kI32);
      return true;
    case Opcode::kRefNull:
      PushVal(instr_.type);
      return true;
    case Opcode::kRefIsNull: {
      ValType type = kUnknown;
      if (!PopAny(type)) return false;
      if (type != kUnknown && !IsRefType(type)) return Fail("type mismatch");
      PushVal(ValType::kI32);
      return true;
    }
    case Opcode::kRefFunc:
      if (instr_.index >= module_.num_functions()) {
        return Fail("unknown function " + std::to_string(instr_.index));
      }
      if (!module_.declared_function_refs[instr_.index]) {
        return Fail("undeclared function reference");
      }
      PushVal(ValType::kFuncRef);
      return true;
    case Opcode::kMemoryInit:
      return CheckMemory() && CheckDataSegment(instr_.index) && PopVal(ValType::kI32) &&
             PopVal(ValType::kI32) && PopVal(ValType::kI32);
    case Opcode::kDataDrop:
      return CheckDataSegment(instr_.index);
    case Opcode::kMemoryCopy:
    case Opcode::kMemoryFill:
      return CheckMemory() && PopVal(ValType::kI32) &&
             PopVal(instr_.op == Opcode::kMemoryFill ? ValType::kI32 : ValType::kI32) &&
             PopVal(ValType::kI32);
    case Opcode::kTableInit:
      if (!CheckTable(instr_.index2) || !CheckElemSegment(instr_.index)) return false;
      if (module_.TableTypeAt(instr_.index2).element != module_.elems[instr_.index].type) {
        return Fail("type mismatch");
      }
      return PopVal(ValType::kI32) && PopVal(ValType::kI32) && PopVal(ValType::kI32);
    case Opcode::kElemDrop:
      return CheckElemSegment(instr_.index);
    case Opcode::kTableCopy:
      if (!CheckTable(instr_.index) || !CheckTable(instr_.index2)) return false;
      if (module_.TableTypeAt(instr_.index).element !=
          module_.TableTypeAt(instr_.index2).element) {
        return Fail("type mismatch");
      }
      return PopVal(ValType::kI32) && PopVal(ValType::kI32) && PopVal(ValType::kI32);
    case Opcode::kTableGrow:
      if (!CheckTable(instr_.index) || !PopVal(ValType::kI32) ||
          !PopVal(module_.TableTypeAt(instr_.index).element)) {
        return false;
      }
      PushVal(ValType::kI32);
      return true;
    case Opcode::kTableSize:
      if (!CheckTable(instr_.index)) return false;
      PushVal(ValType::kI32);
      return true;
    case Opcode::kTableFill:
      return CheckTable(instr_.index) && PopVal(ValType::kI32) &&
             PopVal(module_.TableTypeAt(instr_.index).element) && PopVal(ValType::kI32);
    default:
      if (info.imm == ImmKind::Memarg) return StepMemory(info);
      return StepSimple(info);
  }
}

Status FunctionValidator::BodyEndedEarly() {
  // A body that stops before its final `end`: inside the code section this
  // reads as a missing END, at the very end as a truncated section.
  const bool at_section_end = body_.code_offset + body_.code.size() >= module_.code_section_end;
  return MakeError(Phase::kDecode,
                   at_section_end ? "unexpected end of section or function" : "END opcode expected",
                   static_cast<int64_t>(reader_.Offset()), function_index_);
}

Status FunctionValidator::DecodeError() {
  Error error = reader_.error();
  error.function_index = function_index_;
  return error;
}

// After a typing error, decodes the rest of the body: the binary format is
// checked before typing, so a malformed instruction later in the body is
// the error to report.
Status FunctionValidator::ScanRest(size_t depth) {
  while (depth > 0) {
    if (reader_.AtEnd()) return BodyEndedEarly();
    if (!instrs_.Next(instr_)) return DecodeError();
    switch (instr_.op) {
      case Opcode::kBlock:
      case Opcode::kLoop:
      case Opcode::kIf:
        ++depth;
        break;
      case Opcode::kEnd:
        --depth;
        break;
      default:
        break;
    }
  }
  return Ok();
}

Status FunctionValidator::Run() {
  // The function's own frame: its label types are the results.
  PushCtrl(Opcode::kBlock, {}, type_.results);
  while (!ctrls_.empty()) {
    if (reader_.AtEnd()) return BodyEndedEarly();
    if (!instrs_.Next(instr_)) return DecodeError();
    if (!Step()) {
      if (error_.phase == Phase::kValidate) {
        const Error typing_error = error_;
        size_t depth = ctrls_.size();
        if (instr_.op == Opcode::kBlock || instr_.op == Opcode::kLoop ||
            instr_.op == Opcode::kIf) {
          ++depth;  // its frame was not pushed
        } else if (instr_.op == Opcode::kEnd && depth > 0) {
          --depth;  // consumed, though its frame was not popped
        }
        Status structure = ScanRest(depth);
        if (!structure.ok()) return structure;
        return typing_error;
      }
      return error_;
    }
  }
  if (!reader_.AtEnd()) {
    instr_.offset = static_cast<uint32_t>(reader_.Offset());
    FailDecode("section size mismatch");
    return error_;
  }
  return Ok();
}

}  // namespace

Status ValidateFunctionBody(const Module& module, uint32_t defined_index) {
  FunctionValidator validator(module, defined_index);
  return validator.Run();
}

}  // namespace spindle
