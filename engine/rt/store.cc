#include "engine/rt/store.h"

#include <algorithm>

namespace spindle {

Store::Store(Engine& engine, StoreLimits limits)
    : engine_(&engine),
      limits_(limits),
      memory_budget_(limits.max_total_memory_pages),
      table_budget_(limits.max_total_table_elements) {}

// Instances go first: their destructors may not touch host-created objects,
// but they hold memories that return reservations to the engine's pool.
Store::~Store() { instances_.clear(); }

Result<Memory*> Store::CreateMemory(const MemoryType& type) {
  uint64_t max_pages = std::min<uint64_t>(limits_.max_memory_pages, kMaxMemoryPages);
  SPINDLE_ASSIGN_OR_RETURN(auto memory,
                           Memory::Create(engine_->memory_pool(), type, max_pages, memory_budget_));
  memories_.push_back(std::move(memory));
  return memories_.back().get();
}

Result<Table*> Store::CreateTable(const TableType& type, uint64_t init) {
  SPINDLE_ASSIGN_OR_RETURN(auto table,
                           Table::Create(type, limits_.max_table_elements, init, table_budget_));
  tables_.push_back(std::move(table));
  return tables_.back().get();
}

Global* Store::CreateGlobal(const GlobalType& type, uint64_t bits) {
  auto global = std::make_unique<Global>();
  global->type = type;
  global->value = bits;
  globals_.push_back(std::move(global));
  return globals_.back().get();
}

Result<Instance*> Store::AdoptInstance(std::unique_ptr<Instance> instance) {
  if (instances_.size() >= limits_.max_instances) {
    return MakeError(Phase::kInstantiate, "too many instances in one store (limit " +
                                              std::to_string(limits_.max_instances) + ")");
  }
  instances_.push_back(std::move(instance));
  return instances_.back().get();
}

}  // namespace spindle
