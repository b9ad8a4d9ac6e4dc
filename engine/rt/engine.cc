#include "engine/rt/engine.h"

#include <algorithm>

#include "engine/rt/memory.h"
#include "engine/rt/native_abi.h"
#include "engine/rt/signals.h"

namespace spindle {

Engine::Engine(EngineConfig config)
    : config_(config), memory_pool_(std::make_unique<MemoryPool>(config.pooled_memories, config.memory_init,
                                              config.keep_resident_bytes)) {
  InstallTrapHandlers();
}

Engine::~Engine() = default;

Engine::NativeShard& Engine::ShardOf(const native::VmContext* vmctx) {
  // Contexts are heap objects at least 64 bytes apart.
  return native_shards_[(reinterpret_cast<uintptr_t>(vmctx) >> 6) % kNativeShards];
}

void Engine::IncrementEpoch() {
  const uint64_t epoch = epoch_.fetch_add(1, std::memory_order_seq_cst) + 1;
  // A registration in a shard scanned before it was made reads the new
  // epoch itself (native::Execute), so no execution is missed.
  for (size_t i = 0; i < kNativeShards; ++i) {
    NativeShard& shard = native_shards_[i];
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (const NativeExecution& execution : shard.executions) {
      native::VmContext* vmctx = execution.vmctx;
      if (epoch >=
          std::atomic_ref<uint64_t>(vmctx->epoch_deadline).load(std::memory_order_relaxed)) {
        std::atomic_ref<uintptr_t>(vmctx->stack_limit)
            .store(native::kInterruptRequested, std::memory_order_seq_cst);
      }
    }
  }
}

void Engine::RegisterNativeExecution(native::VmContext* vmctx, uintptr_t stack_limit) {
  NativeShard& shard = ShardOf(vmctx);
  std::lock_guard<std::mutex> lock(shard.mutex);
  const bool first = std::none_of(shard.executions.begin(), shard.executions.end(),
                                  [vmctx](const NativeExecution& e) { return e.vmctx == vmctx; });
  if (first) {
    std::atomic_ref<uintptr_t>(vmctx->stack_limit).store(stack_limit, std::memory_order_relaxed);
  }
  shard.executions.push_back({vmctx, stack_limit});
}

void Engine::UnregisterNativeExecution(native::VmContext* vmctx) {
  NativeShard& shard = ShardOf(vmctx);
  std::lock_guard<std::mutex> lock(shard.mutex);
  // The innermost registration of a nested call is the last one.
  for (size_t i = shard.executions.size(); i-- > 0;) {
    if (shard.executions[i].vmctx == vmctx) {
      shard.executions.erase(shard.executions.begin() + ptrdiff_t(i));
      return;
    }
  }
}

void Engine::SyncNativeDeadline(native::VmContext* vmctx, uint64_t deadline) {
  std::atomic_ref<uint64_t> current(vmctx->epoch_deadline);
  if (current.load(std::memory_order_relaxed) == deadline) return;
  // Under the shard's mutex IncrementEpoch cannot store a request in between.
  NativeShard& shard = ShardOf(vmctx);
  std::lock_guard<std::mutex> lock(shard.mutex);
  current.store(deadline, std::memory_order_relaxed);
  std::atomic_ref<uintptr_t> limit(vmctx->stack_limit);
  if (limit.load(std::memory_order_relaxed) != native::kInterruptRequested ||
      epoch() >= deadline) {
    return;
  }
  for (size_t i = shard.executions.size(); i-- > 0;) {
    if (shard.executions[i].vmctx == vmctx) {
      limit.store(shard.executions[i].stack_limit, std::memory_order_seq_cst);
      return;
    }
  }
}

size_t Engine::TypeHash::operator()(const FuncType& type) const {
  size_t hash = type.params.size() * 31 + type.results.size();
  for (ValType t : type.params) hash = hash * 131 + static_cast<size_t>(t);
  for (ValType t : type.results) hash = hash * 137 + static_cast<size_t>(t);
  return hash;
}

const FuncType* Engine::InternType(const FuncType& type) {
  std::lock_guard<std::mutex> lock(types_mutex_);
  auto found = types_.find(type);
  if (found != types_.end()) return found->second.get();
  auto owned = std::make_unique<FuncType>(type);
  const FuncType* result = owned.get();
  types_.emplace(type, std::move(owned));
  return result;
}

}  // namespace spindle
