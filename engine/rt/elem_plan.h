// Active element segments resolved once per module. For each segment whose
// offset is a lone i32.const and whose items are all ref.func or ref.null,
// the plan records the first table slot and the function index of every
// item, so instantiating one only checks the bounds and stores Function
// pointers in a tight loop instead of evaluating an expression per item.
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

 private:
  std::vector<Segment> segments_;
  std::vector<uint32_t> function_indices_;
};

}  // namespace spindle
