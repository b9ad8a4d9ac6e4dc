// A Store owns instances and the objects they create, and carries the limits
// and the interruption deadline that apply to them. Creating a store is
// cheap: the intended pattern is one store per request, dropped afterwards.
//
// Thread safety: a Store and everything in it is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/base/result.h"
#include "engine/rt/engine.h"
#include "engine/rt/instance.h"

namespace spindle {

struct StoreLimits {
  uint64_t max_memory_pages = kMaxMemoryPages;        // per memory
  uint64_t max_total_memory_pages = 4 * kMaxMemoryPages;  // all memories together
  uint64_t max_table_elements = 10000000;             // per table
  uint64_t max_total_table_elements = 20000000;       // all tables together
  uint32_t max_instances = 10000;
};

class Store {
 public:
  explicit Store(Engine& engine, StoreLimits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Engine& engine() const { return *engine_; }
  const StoreLimits& limits() const { return limits_; }

  // Guests in this store trap with kInterrupted once the engine's epoch
  // reaches the deadline. The default is "never".
  void SetEpochDeadline(uint64_t ticks_from_now) {
    deadline_ = engine_->epoch() + ticks_from_now;
  }
  void ClearEpochDeadline() { deadline_ = UINT64_MAX; }
  uint64_t epoch_deadline() const { return deadline_; }

  // Embedder state reachable from host functions through Caller::store().
  void* user_data() const { return user_data_; }
  void set_user_data(void* data) { user_data_ = data; }

  // Objects created by the host rather than by a module.
  Result<Memory*> CreateMemory(const MemoryType& type);
  Result<Table*> CreateTable(const TableType& type, uint64_t init);
  Global* CreateGlobal(const GlobalType& type, uint64_t bits);

  Result<Instance*> AdoptInstance(std::unique_ptr<Instance> instance);
  size_t num_instances() const { return instances_.size(); }

  // What every memory and table of the store draws from.
  Budget& memory_budget() { return memory_budget_; }
  Budget& table_budget() { return table_budget_; }
  const Budget& memory_budget() const { return memory_budget_; }

 private:
  Engine* engine_;
  StoreLimits limits_;
  uint64_t deadline_ = UINT64_MAX;
  void* user_data_ = nullptr;
  // Declared before the objects that draw from them, so they outlive them.
  Budget memory_budget_;
  Budget table_budget_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<Memory>> memories_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<std::unique_ptr<Global>> globals_;
};

}  // namespace spindle
