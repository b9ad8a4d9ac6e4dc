#include "engine/rt/exec_state.h"

#include <sys/mman.h>

#include <cstdlib>

#include "engine/rt/signals.h"

namespace spindle {

thread_local ExecState* tls_exec_state = nullptr;

namespace {

template <typename T>
T* MapArray(size_t count) {
  void* memory = mmap(nullptr, count * sizeof(T), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) std::abort();  // out of address space
  return static_cast<T*>(memory);
}

template <typename T>
void UnmapArray(T* array, size_t count) {
  if (array) munmap(array, count * sizeof(T));
}

// Frees the thread's stacks when it exits.
struct ExecStateOwner {
  ExecState state;
  ~ExecStateOwner() {
    UnmapArray(state.stack_begin, state.stack_slots);
    UnmapArray(state.frames_begin, state.frame_capacity);
    tls_exec_state = nullptr;
  }
};

void Size(ExecState& state, const EngineConfig& config) {
  UnmapArray(state.stack_begin, state.stack_slots);
  UnmapArray(state.frames_begin, state.frame_capacity);
  state.stack_slots = config.max_stack_slots;
  // +2: the bottom sentinel and the host entry frame.
  state.frame_capacity = size_t{config.max_call_depth} + 2;
  state.stack_begin = MapArray<uint64_t>(state.stack_slots);
  state.stack_end = state.stack_begin + state.stack_slots;
  state.stack_top = state.stack_begin;
  state.frames_begin = MapArray<CallFrame>(state.frame_capacity);
  state.frames_end = state.frames_begin + state.frame_capacity;
  state.frame_top = state.frames_begin;  // the bottom sentinel
}

}  // namespace

ExecState& ExecState::ForThisThread(const EngineConfig& config) {
  static thread_local ExecStateOwner owner;
  ExecState& state = owner.state;
  if (!state.stack_begin) {
    EnsureSignalStack();
    Size(state, config);
    tls_exec_state = &state;
  } else if (state.entry_depth == 0 &&
             (state.stack_slots < config.max_stack_slots ||
              state.frame_capacity < size_t{config.max_call_depth} + 2)) {
    Size(state, config);
  }
  return state;
}

}  // namespace spindle
