#include "engine/native/helpers.h"

#include <atomic>
#include <csetjmp>
#include <string>

#include "engine/native/executor.h"
#include "engine/native/trap_state.h"
#include "engine/rt/bulk_ops.h"
#include "engine/rt/exec_state.h"
#include "engine/rt/instance.h"
#include "engine/rt/store.h"

namespace spindle::native {
namespace {

Instance& InstanceOf(VmContext* vmctx) { return *static_cast<Instance*>(vmctx->instance); }

[[noreturn]] void Unwind(TrapKind kind, const void* pc) {
  ExecState* state = tls_exec_state;
  state->fault = kind;
  state->fault_pc = pc;
  state->in_guest = 0;
  siglongjmp(*state->jump, 1);
}

// The return address lies in the compiled function that trapped.
[[noreturn]] void Trap(VmContext*, uint32_t kind) {
  Unwind(static_cast<TrapKind>(kind), __builtin_return_address(0));
}

[[noreturn]] void TrapAtIndex(VmContext*, uint32_t kind, uint32_t index) {
  ThreadPendingTrap().message = std::to_string(index);
  Unwind(static_cast<TrapKind>(kind), __builtin_return_address(0));
}

// An interruption request is only stored once the deadline has come, so
// a context whose deadline has not come ran out of stack.
[[noreturn]] void StackLimitReached(VmContext* vmctx) {
  const bool expired = __atomic_load_n(vmctx->epoch, __ATOMIC_SEQ_CST) >=
                       std::atomic_ref<uint64_t>(vmctx->epoch_deadline).load(std::memory_order_relaxed);
  Unwind(expired ? TrapKind::kInterrupted : TrapKind::kCallStackExhausted,
         __builtin_return_address(0));
}

uint32_t CallFunction(VmContext* vmctx, void* function, uint64_t* slots) {
  Instance& instance = InstanceOf(vmctx);
  Store& store = instance.store();
  interp::TrapDetails details;
  const TrapKind kind = CallFromWasm(*tls_exec_state, store, &instance,
                                     static_cast<Function*>(function), slots, details);
  // A host function may have moved the deadline.
  store.engine().SyncNativeDeadline(vmctx, store.epoch_deadline());
  if (kind != TrapKind::kNone) SetPendingTrapDetails(std::move(details));
  return static_cast<uint32_t>(kind);
}

uint32_t MemorySize(VmContext* vmctx) { return InstanceOf(vmctx).memory(0)->pages(); }

uint32_t MemoryGrow(VmContext* vmctx, uint32_t delta) {
  return static_cast<uint32_t>(InstanceOf(vmctx).memory(0)->Grow(delta));
}

uint32_t MemoryFillHelper(VmContext* vmctx, uint32_t dst, uint32_t value, uint32_t length) {
  return static_cast<uint32_t>(MemoryFill(InstanceOf(vmctx).memory(0), dst, value, length));
}

uint32_t MemoryCopyHelper(VmContext* vmctx, uint32_t dst, uint32_t src, uint32_t length) {
  return static_cast<uint32_t>(MemoryCopy(InstanceOf(vmctx).memory(0), dst, src, length));
}

uint32_t MemoryInitHelper(VmContext* vmctx, uint32_t segment, uint32_t dst, uint32_t src,
                          uint32_t length) {
  return static_cast<uint32_t>(MemoryInitSegment(&InstanceOf(vmctx), segment, dst, src, length));
}

void DataDrop(VmContext* vmctx, uint32_t segment) { InstanceOf(vmctx).dropped_datas[segment] = 1; }

uint32_t TableGrow(VmContext* vmctx, uint32_t table, uint64_t init, uint32_t delta) {
  return static_cast<uint32_t>(InstanceOf(vmctx).table(table)->Grow(delta, init));
}

uint32_t TableFillHelper(VmContext* vmctx, uint32_t table, uint32_t dst, uint64_t value,
                         uint32_t length) {
  return static_cast<uint32_t>(TableFill(InstanceOf(vmctx).table(table), dst, value, length));
}

uint32_t TableCopyHelper(VmContext* vmctx, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                         uint32_t src, uint32_t length) {
  Instance& instance = InstanceOf(vmctx);
  return static_cast<uint32_t>(
      TableCopy(instance.table(dst_table), instance.table(src_table), dst, src, length));
}

uint32_t TableInitHelper(VmContext* vmctx, uint32_t segment, uint32_t table, uint32_t dst,
                         uint32_t src, uint32_t length) {
  Instance& instance = InstanceOf(vmctx);
  return static_cast<uint32_t>(
      TableInit(&instance, segment, instance.table(table), dst, src, length));
}

void ElemDrop(VmContext* vmctx, uint32_t segment) { InstanceOf(vmctx).dropped_elems[segment] = 1; }

uint64_t TableGetLazy(VmContext* vmctx, uint32_t table, uint32_t index) {
  return InstanceOf(vmctx).table(table)->Get(index);
}

void* RefFunc(VmContext* vmctx, uint32_t function_index) {
  return InstanceOf(vmctx).function(function_index);
}

constexpr RuntimeHelpers kHelpers = {
    &Trap,           &TrapAtIndex,     &CallFunction,     &MemorySize,
    &MemoryGrow,     &MemoryFillHelper, &MemoryCopyHelper, &MemoryInitHelper,
    &DataDrop,       &TableGrow,       &TableFillHelper,  &TableCopyHelper,
    &TableInitHelper, &ElemDrop,      &StackLimitReached, &TableGetLazy,
    &RefFunc,
};

}  // namespace

const RuntimeHelpers* Helpers() { return &kHelpers; }

void SetPendingTrapDetails(interp::TrapDetails details) {
  ThreadPendingTrap() = {std::move(details.message), details.exit_code};
}

void TakePendingTrapDetails(interp::TrapDetails& details) {
  PendingTrap& pending = ThreadPendingTrap();
  details.message = std::move(pending.message);
  details.exit_code = pending.exit_code;
  pending = {};
}

}  // namespace spindle::native
