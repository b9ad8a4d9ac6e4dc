// Active element segments resolved once per module. For each segment whose
// offset is a lone i32.const and whose items are all ref.func or ref.null,
// the plan records the first table slot and the function index of every
// item, so instantiating one only checks the bounds and stores Function
// pointers in a tight loop instead of evaluating an expression per item.
//
// A funcref table the module defines, whose every active segment is planned
// and fits its initial size, also gets its whole initial contents as one
// array of function indices: instances then fill it lazily (Table::
// InitializeLazily), paying nothing per element at instantiation.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/binary/module.h"

namespace spindle {

class ElemPlan {
 public:
  static constexpr uint32_t kNullFunction = UINT32_MAX;  // a ref.null item

  struct Segment {
    bool resolved = false;  // false: evaluate offset and items per instance
    uint32_t offset = 0;
    uint32_t first = 0;  // into function_indices_
    uint32_t count = 0;
  };

  static ElemPlan For(const Module& module);

  // One entry per module.elems.
  const Segment& segment(uint32_t index) const { return segments_[index]; }
  std::span<const uint32_t> function_indices(const Segment& segment) const {
    return {function_indices_.data() + segment.first, segment.count};
  }

  // Whether table `table_index` (in the module's index space) fills lazily,
  // and its initial contents up to the last planned slot.
  bool is_lazy(uint32_t table_index) const {
    return table_index < lazy_tables_.size() && lazy_tables_[table_index].lazy;
  }
  std::span<const uint32_t> lazy_contents(uint32_t table_index) const {
    return lazy_tables_[table_index].contents;
  }

 private:
  struct LazyTable {
    bool lazy = false;
    std::vector<uint32_t> contents;
  };

  void PlanLazyTables(const Module& module);

  std::vector<Segment> segments_;
  std::vector<uint32_t> function_indices_;
  std::vector<LazyTable> lazy_tables_;  // per table index
};

}  // namespace spindle
