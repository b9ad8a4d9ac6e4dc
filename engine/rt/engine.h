// The Engine holds what every store and module share: configuration, the
// registry of canonical function types (so call_indirect compares pointers),
// the interruption epoch, and the pool of memory reservations.
//
// Thread safety: an Engine may be used from many threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "engine/binary/types.h"

namespace spindle {

class MemoryPool;

enum class BoundsChecks : uint8_t {
  kGuardPages,  // 8 GiB reservations: 32-bit accesses fault instead of branching
  kExplicit,    // compare every access against the memory size
};

// How a new memory gets its module's data segments, and how a pooled
// memory is reset for the next instance.
enum class MemoryInit : uint8_t {
  // Segments are mapped copy-on-write from a sealed image (memory_image.h);
  // a released memory is reset with madvise(MADV_DONTNEED). Instantiation
  // copies nothing and guests fault in only the pages they touch.
  kCopyOnWrite,
  // The image is copied in and a released memory is reset in place (memcpy
  // of the image, memset of the rest), so its pages stay resident: no page
  // faults and no TLB shootdowns, which wins with many threads instantiating
  // at once (wasmtime issue 8034), at the price of a copy per release.
  kKeepResident,
  // No image: every instantiation copies the segments (the spec's reading).
  kCopySegments,
};

struct EngineConfig {
  BoundsChecks bounds_checks = BoundsChecks::kGuardPages;
  // Call depth and value-stack size of one thread's wasm execution. Deeper
  // recursion traps with "call stack exhausted".
  uint32_t max_call_depth = 50000;
  uint32_t max_stack_slots = 1u << 20;  // 8 MiB of 64-bit slots
  // Memory reservations kept for reuse after stores release them.
  uint32_t pooled_memories = 32;
  MemoryInit memory_init = MemoryInit::kCopyOnWrite;
  // kKeepResident only: how much of a released memory is reset in place;
  // pages past this are dropped with MADV_DONTNEED like the other modes do.
  uint64_t keep_resident_bytes = 16ull << 20;
};

namespace native {
struct VmContext;
}

class Engine {
 public:
  explicit Engine(EngineConfig config = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const { return config_; }

  // Returns the canonical copy of `type`; equal types give equal pointers,
  // valid for the Engine's lifetime.
  const FuncType* InternType(const FuncType& type);

  // Interruption: the interpreter checks the epoch at loop back-edges and
  // calls, and traps once it reaches its store's deadline. Compiled code
  // compares only rsp with VmContext::stack_limit, so IncrementEpoch also
  // stores kInterruptRequested there for every running native execution
  // whose deadline has come. Safe from any thread; not from signal handlers
  // (it takes the registry's mutexes, one shard at a time).
  void IncrementEpoch();
  uint64_t epoch() const { return epoch_.load(std::memory_order_relaxed); }
  const std::atomic<uint64_t>* epoch_counter() const { return &epoch_; }

  MemoryPool& memory_pool() { return *memory_pool_; }

  // The VmContexts with compiled code running (native::Execute registers
  // around each call; nested calls register again). The first registration
  // of a context stores `stack_limit` into it, dropping a stale
  // interruption request, atomically with respect to IncrementEpoch.
  void RegisterNativeExecution(native::VmContext* vmctx, uintptr_t stack_limit);
  void UnregisterNativeExecution(native::VmContext* vmctx);
  // After a host function ran under `vmctx`: records the store's deadline
  // if the host moved it, taking back an interruption request made for the
  // old one. Cheap when the deadline did not move.
  void SyncNativeDeadline(native::VmContext* vmctx, uint64_t deadline);

 private:
  struct TypeHash {
    size_t operator()(const FuncType& type) const;
  };

  EngineConfig config_;
  std::atomic<uint64_t> epoch_{0};
  struct NativeExecution {
    native::VmContext* vmctx;
    uintptr_t stack_limit;  // the thread's, what a taken-back request restores
  };
  // The registry is sharded by VmContext, so threads entering compiled code
  // on a many-core host do not all take one lock; every operation on one
  // context stays within its shard, under that shard's mutex.
  struct alignas(64) NativeShard {
    std::mutex mutex;
    std::vector<NativeExecution> executions;
  };
  static constexpr size_t kNativeShards = 64;
  NativeShard& ShardOf(const native::VmContext* vmctx);
  std::unique_ptr<NativeShard[]> native_shards_ = std::make_unique<NativeShard[]>(kNativeShards);
  std::mutex types_mutex_;
  std::unordered_map<FuncType, std::unique_ptr<FuncType>, TypeHash> types_;
  std::unique_ptr<MemoryPool> memory_pool_;
};

}  // namespace spindle
