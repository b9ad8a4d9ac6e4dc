#include "engine/rt/elem_plan.h"

#include <algorithm>

namespace spindle {
namespace {

bool IsResolvable(const ElemSegment& segment) {
  if (segment.mode != SegmentMode::kActive) return false;
  if (segment.offset.instrs.size() != 1 || segment.offset.instrs[0].op != Opcode::kI32Const) {
    return false;
  }
  return std::all_of(segment.items.begin(), segment.items.end(), [](const ConstInstr& item) {
    return item.op == Opcode::kRefFunc || item.op == Opcode::kRefNull;
  });
}

}  // namespace

ElemPlan ElemPlan::For(const Module& module) {
  ElemPlan plan;
  plan.segments_.resize(module.elems.size());
  size_t total = 0;
  for (const ElemSegment& segment : module.elems) {
    if (IsResolvable(segment)) total += segment.items.size();
  }
  plan.function_indices_.reserve(total);
  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& segment = module.elems[i];
    if (!IsResolvable(segment)) continue;
    Segment& planned = plan.segments_[i];
    planned.resolved = true;
    planned.offset = static_cast<uint32_t>(segment.offset.instrs[0].operand);
    planned.first = static_cast<uint32_t>(plan.function_indices_.size());
    planned.count = static_cast<uint32_t>(segment.items.size());
    for (const ConstInstr& item : segment.items) {
      plan.function_indices_.push_back(item.op == Opcode::kRefFunc
                                           ? static_cast<uint32_t>(item.operand)
                                           : kNullFunction);
    }
  }
  return plan;
}

}  // namespace spindle
