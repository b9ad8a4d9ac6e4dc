#include <iterator>
#include <string>
#include <vector>

#include "engine/valid/validator.h"

namespace spindle {
namespace {

Error Invalid(uint32_t offset, std::string message) {
  return MakeError(Phase::kValidate, std::move(message), offset);
}

}  // namespace

Status ValidateConstExpr(const Module& module, const ConstExpr& expr, ValType expected,
                         uint32_t visible_globals) {
  return ValidateConstInstrs(module, expr.instrs, expected, visible_globals, expr.offset);
}

Status ValidateConstInstrs(const Module& module, std::span<const ConstInstr> instrs,
                           ValType expected, uint32_t visible_globals, uint32_t offset) {
  // Each instruction pushes at most one value, so the depth is bounded by the
  // length; short expressions (nearly all of them) need no allocation.
  ValType inline_stack[8];
  std::vector<ValType> heap_stack;
  if (instrs.size() > std::size(inline_stack)) heap_stack.resize(instrs.size());
  struct {
    ValType* data;
    size_t size = 0;
    void push_back(ValType type) { data[size++] = type; }
    bool empty() const { return size == 0; }
    ValType back() const { return data[size - 1]; }
    void pop_back() { --size; }
  } stack{heap_stack.empty() ? inline_stack : heap_stack.data()};
  auto pop = [&](ValType type) {
    if (stack.empty() || stack.back() != type) return false;
    stack.pop_back();
    return true;
  };
  for (const ConstInstr& instr : instrs) {
    switch (instr.op) {
      case Opcode::kI32Const: stack.push_back(ValType::kI32); break;
      case Opcode::kI64Const: stack.push_back(ValType::kI64); break;
      case Opcode::kF32Const: stack.push_back(ValType::kF32); break;
      case Opcode::kF64Const: stack.push_back(ValType::kF64); break;
      case Opcode::kRefNull: stack.push_back(static_cast<ValType>(instr.operand)); break;
      case Opcode::kRefFunc:
        if (instr.operand >= module.num_functions()) {
          return Invalid(offset, "unknown function " + std::to_string(instr.operand));
        }
        stack.push_back(ValType::kFuncRef);
        break;
      case Opcode::kGlobalGet: {
        if (instr.operand >= visible_globals) {
          return Invalid(offset, "unknown global " + std::to_string(instr.operand));
        }
        const GlobalType& type = module.GlobalTypeAt(static_cast<uint32_t>(instr.operand));
        if (type.is_mutable) return Invalid(offset, "constant expression required");
        stack.push_back(type.type);
        break;
      }
      // extended-const: integer add, sub and mul.
      case Opcode::kI32Add:
      case Opcode::kI32Sub:
      case Opcode::kI32Mul:
        if (!pop(ValType::kI32) || !pop(ValType::kI32)) return Invalid(offset, "type mismatch");
        stack.push_back(ValType::kI32);
        break;
      case Opcode::kI64Add:
      case Opcode::kI64Sub:
      case Opcode::kI64Mul:
        if (!pop(ValType::kI64) || !pop(ValType::kI64)) return Invalid(offset, "type mismatch");
        stack.push_back(ValType::kI64);
        break;
      default:
        return Invalid(offset, "constant expression required");
    }
  }
  if (stack.size != 1 || stack.data[0] != expected) return Invalid(offset, "type mismatch");
  return Ok();
}

}  // namespace spindle
