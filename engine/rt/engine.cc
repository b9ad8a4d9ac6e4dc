#include "engine/rt/engine.h"

#include "engine/rt/memory.h"
#include "engine/rt/signals.h"

namespace spindle {

Engine::Engine(EngineConfig config)
    : config_(config), memory_pool_(std::make_unique<MemoryPool>(config.pooled_memories, config.memory_init,
                                              config.keep_resident_bytes)) {
  InstallTrapHandlers();
}

Engine::~Engine() = default;

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
