#include "engine/rt/table.h"

#include <string>

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
  table->elements.assign(size, init);
  table->SyncView();
  return table;
}

}  // namespace spindle
