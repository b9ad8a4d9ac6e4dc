#include <string>
#include <vector>

#include "engine/valid/validator.h"

namespace spindle {
namespace {

Error Invalid(const ConstExpr& expr, std::string message) {
  return MakeError(Phase::kValidate, std::move(message), expr.offset);
}

}  // namespace

Status ValidateConstExpr(const Module& module, const ConstExpr& expr, ValType expected,
                         uint32_t visible_globals) {
  std::vector<ValType> stack;
  auto pop = [&](ValType type) {
    if (stack.empty() || stack.back() != type) return false;
    stack.pop_back();
    return true;
  };
  for (const ConstInstr& instr : expr.instrs) {
    switch (instr.op) {
      case Opcode::kI32Const: stack.push_back(ValType::kI32); break;
      case Opcode::kI64Const: stack.push_back(ValType::kI64); break;
      case Opcode::kF32Const: stack.push_back(ValType::kF32); break;
      case Opcode::kF64Const: stack.push_back(ValType::kF64); break;
      case Opcode::kRefNull: stack.push_back(static_cast<ValType>(instr.operand)); break;
      case Opcode::kRefFunc:
        if (instr.operand >= module.num_functions()) {
          return Invalid(expr, "unknown function " + std::to_string(instr.operand));
        }
        stack.push_back(ValType::kFuncRef);
        break;
      case Opcode::kGlobalGet: {
        if (instr.operand >= visible_globals) {
          return Invalid(expr, "unknown global " + std::to_string(instr.operand));
        }
        const GlobalType& type = module.GlobalTypeAt(static_cast<uint32_t>(instr.operand));
        if (type.is_mutable) return Invalid(expr, "constant expression required");
        stack.push_back(type.type);
        break;
      }
      // extended-const: integer add, sub and mul.
      case Opcode::kI32Add:
      case Opcode::kI32Sub:
      case Opcode::kI32Mul:
        if (!pop(ValType::kI32) || !pop(ValType::kI32)) return Invalid(expr, "type mismatch");
        stack.push_back(ValType::kI32);
        break;
      case Opcode::kI64Add:
      case Opcode::kI64Sub:
      case Opcode::kI64Mul:
        if (!pop(ValType::kI64) || !pop(ValType::kI64)) return Invalid(expr, "type mismatch");
        stack.push_back(ValType::kI64);
        break;
      default:
        return Invalid(expr, "constant expression required");
    }
  }
  if (stack.size() != 1 || stack[0] != expected) return Invalid(expr, "type mismatch");
  return Ok();
}

}  // namespace spindle
