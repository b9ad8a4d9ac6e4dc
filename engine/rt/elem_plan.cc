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
  plan.PlanLazyTables(module);
  return plan;
}

void ElemPlan::PlanLazyTables(const Module& module) {
  lazy_tables_.resize(module.num_tables());
  // Imported tables are shared with their owner: they are filled eagerly.
  for (uint32_t t = module.num_imported_tables; t < module.num_tables(); ++t) {
    lazy_tables_[t].lazy =
        module.tables[t - module.num_imported_tables].element == ValType::kFuncRef;
  }
  // A table stays eager when one of its segments needs evaluating per
  // instance or would trap: its contents then depend on the instance.
  std::vector<uint32_t> lengths(module.num_tables(), 0);
  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& segment = module.elems[i];
    if (segment.mode != SegmentMode::kActive) continue;
    LazyTable& table = lazy_tables_[segment.table_index];
    if (!table.lazy) continue;
    const Segment& planned = segments_[i];
    const uint64_t end = uint64_t{planned.offset} + planned.count;
    const uint64_t initial_size =
        module.tables[segment.table_index - module.num_imported_tables].limits.min;
    if (!planned.resolved || end > initial_size) {
      table.lazy = false;
      continue;
    }
    lengths[segment.table_index] =
        std::max(lengths[segment.table_index], static_cast<uint32_t>(end));
  }
  // Nothing to defer in a table no segment writes.
  for (uint32_t t = 0; t < module.num_tables(); ++t) {
    if (lengths[t] == 0) lazy_tables_[t].lazy = false;
  }
  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& segment = module.elems[i];
    if (segment.mode != SegmentMode::kActive || !is_lazy(segment.table_index)) continue;
    std::vector<uint32_t>& contents = lazy_tables_[segment.table_index].contents;
    contents.resize(lengths[segment.table_index], kNullFunction);
    const Segment& planned = segments_[i];
    std::copy_n(function_indices(planned).begin(), planned.count,
                contents.begin() + planned.offset);
  }
}

}  // namespace spindle
