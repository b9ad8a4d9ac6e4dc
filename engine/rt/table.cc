#include "engine/rt/table.h"

#include <string>

#include "engine/rt/elem_plan.h"
#include "engine/rt/instance.h"

namespace spindle {

Result<std::unique_ptr<Table>> Table::Create(const TableType& type, uint64_t max_elements,
                                             uint64_t init, Budget& budget) {
  const uint64_t size = type.limits.min;
  if (size > max_elements) {
    return MakeError(Phase::kInstantiate, "table of " + std::to_string(size) +
                                              " elements exceeds the limit of " +
                                              std::to_string(max_elements));
  }
  if (!budget.Take(size)) {
    return MakeError(Phase::kInstantiate,
                     "table of " + std::to_string(size) + " elements exceeds the store's "
                     "remaining budget (" + std::to_string(budget.limit() - budget.used()) +
                     " of " + std::to_string(budget.limit()) + " elements)");
  }
  std::unique_ptr<Table> table(new Table(type, max_elements, budget));
  table->elements_.assign(size, init);
  table->SyncView();
  return table;
}

int64_t Table::Grow(uint64_t delta, uint64_t init) {
  const uint64_t old_size = elements_.size();
  const uint64_t new_size = old_size + delta;
  if (new_size > max_elements_ || new_size > UINT32_MAX) return -1;
  if (type_.limits.has_max && new_size > type_.limits.max) return -1;
  if (!budget_.Take(delta)) return -1;
  // The new elements lie beyond the lazy range: it stays as it is.
  elements_.resize(new_size, init);
  SyncView();
  return static_cast<int64_t>(old_size);
}

void Table::InitializeLazily(Instance& owner, std::span<const uint32_t> function_indices) {
  lazy_owner_ = &owner;
  lazy_function_indices_ = function_indices.data();
  lazy_length_ = static_cast<uint32_t>(function_indices.size());
  SyncView();
}

uint64_t Table::ResolveLazy(uint32_t index) {
  const uint32_t function_index = lazy_function_indices_[index];
  if (function_index == ElemPlan::kNullFunction) return 0;
  const uint64_t value = reinterpret_cast<uint64_t>(lazy_owner_->function(function_index));
  elements_[index] = value;
  return value;
}

void Table::Materialize() {
  for (uint32_t i = 0; i < lazy_length_; ++i) {
    if (elements_[i] == 0) ResolveLazy(i);
  }
  lazy_length_ = 0;
  SyncView();
}

}  // namespace spindle
