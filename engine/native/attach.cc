#include "engine/native/attach.h"

#include <atomic>
#include <cstddef>

#include "engine/native/helpers.h"
#include "engine/rt/store.h"

namespace spindle::native {

// Compiled code reads these objects by offset (native_abi.h).
static_assert(offsetof(Function, type) == kFunctionTypeOffset);
static_assert(offsetof(Function, instance) == kFunctionInstanceOffset);
static_assert(offsetof(Function, native_code) == kFunctionNativeCodeOffset);
static_assert(offsetof(Function, host) == kFunctionHostOffset);
// HostFunction is not standard-layout (it owns strings), so offsetof is not
// available; tests/native checks that typed_entry is its first member.
static_assert(sizeof(std::atomic<uint64_t>) == sizeof(uint64_t) &&
              std::atomic<uint64_t>::is_always_lock_free);

bool AttachNativeCode(Instance& instance, std::shared_ptr<const NativeCode> code) {
  Engine& engine = instance.store().engine();
  // Compiled code has no explicit bounds checks: it needs the guard pages.
  if (!code || engine.config().bounds_checks != BoundsChecks::kGuardPages) return false;
  const CompiledModule& compiled = instance.module();

  instance.table_views.reserve(instance.tables.size());
  for (Table* table : instance.tables) instance.table_views.push_back(table->view());

  auto vmctx = std::make_unique<VmContext>();
  vmctx->memory_base = instance.memories.empty() ? nullptr : instance.memories[0]->base();
  vmctx->epoch = reinterpret_cast<const uint64_t*>(engine.epoch_counter());
  vmctx->epoch_deadline = instance.store().epoch_deadline();
  vmctx->stack_limit = 0;
  vmctx->globals = instance.global_values.data();
  vmctx->functions = reinterpret_cast<void* const*>(instance.imported_functions());
  vmctx->tables = instance.table_views.data();
  vmctx->types = reinterpret_cast<const void* const*>(compiled.canonical_types());
  vmctx->helpers = Helpers();
  vmctx->instance = &instance;
  vmctx->runtime = nullptr;
  vmctx->host_trap = 0;

  instance.vmctx = std::move(vmctx);
  instance.UseNativeCode(std::move(code));
  return true;
}

}  // namespace spindle::native
