#include "engine/native/executor.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <csetjmp>
#include <cstring>

#include "engine/native/trap_state.h"
#include "engine/rt/instance.h"

namespace spindle::native {
namespace {

constexpr uintptr_t kHostStackReserve = 256 * 1024;

}  // namespace

uintptr_t ThreadStackLimit() {
  static thread_local uintptr_t limit = [] {
    pthread_attr_t attributes;
    void* low = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
      pthread_attr_getstack(&attributes, &low, &size);
      pthread_attr_destroy(&attributes);
    }
    if (!low || size <= 2 * kHostStackReserve) {
      // Unknown bounds: allow 1 MiB below the current frame.
      char here;
      return reinterpret_cast<uintptr_t>(&here) - (1u << 20);
    }
    return reinterpret_cast<uintptr_t>(low) + kHostStackReserve;
  }();
  return limit;
}

TrapKind Execute(ExecState& state, Store& store, Function* function, uint64_t* slots,
                 interp::TrapDetails& details) {
  Instance* instance = function->instance;
  VmContext* vmctx = instance->vmctx.get();
  const uint32_t type_index =
      instance->module().module().function_type_indices[function->code->function_index];
  const NativeEntryThunk entry = instance->native_code->entry(type_index);
  if (!entry) {
    details.message = "no native entry for this function type";
    return TrapKind::kHostError;
  }
  const uint64_t deadline = store.epoch_deadline();
  std::atomic_ref<uint64_t>(vmctx->epoch_deadline).store(deadline, std::memory_order_relaxed);
  vmctx->host_trap = 0;
  // Registered, IncrementEpoch will interrupt this call; a deadline that
  // passed before is caught here (the registry shard's mutex orders the two).
  Engine& engine = store.engine();
  engine.RegisterNativeExecution(vmctx, ThreadStackLimit());
  if (engine.epoch() >= deadline) {
    std::atomic_ref<uintptr_t>(vmctx->stack_limit)
        .store(kInterruptRequested, std::memory_order_seq_cst);
  }

  sigjmp_buf jump;
  TrapContextScope scope(state);
  uint8_t* const memory = vmctx->memory_base;
  TrapKind result = TrapKind::kNone;
  state.jump = &jump;
  state.guard_begin = memory;
  state.guard_end = memory ? memory + MemoryPool::kReservationBytes : nullptr;
  ++state.entry_depth;
  if (sigsetjmp(jump, 0) == 0) {
    state.in_guest = 1;
    entry(function->native_code, vmctx, slots);
  } else {
    // A trap helper or the fault handler jumped here.
    result = state.fault;
    TakePendingTrapDetails(details);
    if (auto index = instance->native_code->FunctionAt(state.fault_pc)) {
      details.native_function = instance->module().module().num_imported_functions + *index;
    }
    vmctx->host_trap = 0;
  }
  --state.entry_depth;
  engine.UnregisterNativeExecution(vmctx);
  return result;
}

TrapKind CallFromWasm(ExecState& state, Store& store, Instance* caller, Function* function,
                      uint64_t* slots, interp::TrapDetails& details) {
  const FuncType& type = *function->type;
  const size_t count = std::max(type.params.size(), type.results.size());
  const sig_atomic_t saved_in_guest = state.in_guest;
  state.in_guest = 0;
  TrapKind kind = TrapKind::kNone;
  if (function->is_host()) {
    kind = interp::CallHost(store, caller, function, slots, details);
  } else if (function->instance->vmctx) {
    kind = native::Execute(state, store, function, slots, details);
  } else {
    // The interpreter runs on the value stack: move the arguments there.
    uint64_t* const interp_slots = state.stack_top;
    if (interp_slots + count > state.stack_end) {
      state.in_guest = saved_in_guest;
      return TrapKind::kCallStackExhausted;
    }
    std::copy_n(slots, type.params.size(), interp_slots);
    CallFrame* const base = state.frame_top;
    state.stack_top = interp_slots + count;
    ++state.entry_depth;
    kind = interp::Execute(state, store, function, interp_slots, details);
    --state.entry_depth;
    state.frame_top = base;
    state.stack_top = interp_slots;
    if (kind == TrapKind::kNone) std::copy_n(interp_slots, type.results.size(), slots);
  }
  state.in_guest = saved_in_guest;
  return kind;
}

}  // namespace spindle::native
