#include "engine/rt/const_eval.h"

#include <vector>

#include "engine/rt/instance.h"

namespace spindle {
namespace {

uint64_t Operand(const ConstInstr& instr, const Instance& instance) {
  switch (instr.op) {
    case Opcode::kRefNull:
      return 0;
    case Opcode::kRefFunc:
      return reinterpret_cast<uint64_t>(instance.function(static_cast<uint32_t>(instr.operand)));
    case Opcode::kGlobalGet:
      return *instance.global_values[instr.operand];
    default:
      return instr.operand;  // a constant's bits
  }
}

uint64_t Apply(Opcode op, uint64_t a, uint64_t b) {
  switch (op) {
    case Opcode::kI32Add: return static_cast<uint32_t>(a + b);
    case Opcode::kI32Sub: return static_cast<uint32_t>(a - b);
    case Opcode::kI32Mul: return static_cast<uint32_t>(a * b);
    case Opcode::kI64Add: return a + b;
    case Opcode::kI64Sub: return a - b;
    case Opcode::kI64Mul: return a * b;
    default: return 0;  // rejected by validation
  }
}

bool IsArithmetic(Opcode op) {
  switch (op) {
    case Opcode::kI32Add: case Opcode::kI32Sub: case Opcode::kI32Mul:
    case Opcode::kI64Add: case Opcode::kI64Sub: case Opcode::kI64Mul:
      return true;
    default:
      return false;
  }
}

}  // namespace

uint64_t EvaluateConstInstr(const ConstInstr& instr, const Instance& instance) {
  return Operand(instr, instance);
}

uint64_t EvaluateConstExpr(const ConstExpr& expr, const Instance& instance) {
  // Almost every expression is a single constant, global.get or ref.func.
  if (expr.instrs.size() == 1) return Operand(expr.instrs[0], instance);
  std::vector<uint64_t> stack;
  stack.reserve(expr.instrs.size());
  for (const ConstInstr& instr : expr.instrs) {
    if (IsArithmetic(instr.op)) {
      const uint64_t b = stack.back();
      stack.pop_back();
      stack.back() = Apply(instr.op, stack.back(), b);
    } else {
      stack.push_back(Operand(instr, instance));
    }
  }
  return stack.empty() ? 0 : stack.back();
}

}  // namespace spindle
