// Linear memory. Each memory lives in a virtual reservation large enough that
// any 32-bit address plus 32-bit offset stays inside it (8 GiB), so the
// interpreter can rely on the guard pages past the accessible size instead of
// comparing every access. The base address never moves.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "engine/base/result.h"
#include "engine/binary/types.h"
#include "engine/rt/budget.h"
#include "engine/rt/engine.h"
#include "engine/rt/memory_image.h"

namespace spindle {

// A PROT_NONE address range with a read-write prefix.
struct Reservation {
  uint8_t* base = nullptr;
  uint64_t length = 0;     // reserved bytes
  uint64_t committed = 0;  // read-write prefix
  // The image whose contents the prefix holds over zeros (mapped
  // copy-on-write, or copied in when kept resident), or null. While set,
  // committed >= image->end().
  std::shared_ptr<const MemoryImage> image;
};

// Reuses reservations so that creating a memory costs at most an mprotect
// instead of an mmap of 8 GiB, and nothing when the size and the image match
// the last user's. Released memories are reset to their image (or zeros)
// before reuse; a reservation only ever shows a new user that user's own
// image. Thread safe.
class MemoryPool {
 public:
  explicit MemoryPool(uint32_t capacity, MemoryInit init = MemoryInit::kCopyOnWrite,
                      uint64_t keep_resident_bytes = 16ull << 20)
      : capacity_(capacity), init_(init), keep_resident_bytes_(keep_resident_bytes) {}
  ~MemoryPool();

  static constexpr uint64_t kReservationBytes = 8ull << 30;
  // Up to this size a released memory is reset in place (memset, and a copy
  // of its image) rather than with MADV_DONTNEED (a hello module's memory
  // is 128 KiB to 1 MiB).
  static constexpr uint64_t kClearInPlaceBytes = 256ull << 10;

  // A reservation whose first `initial_bytes` are read-write and read as
  // `image` (if any) over zeros. A free reservation that already holds
  // `image` is preferred: it needs no remapping.
  // REQUIRES: image == null or image->end() <= initial_bytes.
  Result<Reservation> Acquire(uint64_t initial_bytes,
                              std::shared_ptr<const MemoryImage> image = nullptr);
  void Release(Reservation reservation);

  MemoryInit init() const { return init_; }

 private:
  // Puts a reused or new reservation in the state Acquire promises.
  Status Prepare(Reservation& reservation, uint64_t initial_bytes,
                 std::shared_ptr<const MemoryImage> image);
  // Restores a released reservation to "its image over zeros".
  void Reset(Reservation& reservation);
  // memcpy of the image and memset of the rest up to `resident_limit` (the
  // image always), MADV_DONTNEED past it.
  void ResetInPlace(Reservation& reservation, uint64_t resident_limit);

  std::mutex mutex_;
  std::vector<Reservation> free_;
  uint32_t capacity_;
  MemoryInit init_;
  uint64_t keep_resident_bytes_;
};

class Memory {
 public:
  // `max_pages` caps this memory (the type's maximum applies too); `budget`
  // is the store's allowance of pages across all its memories.
  // `image`, if given, becomes the memory's initial contents (over zeros).
  static Result<std::unique_ptr<Memory>> Create(MemoryPool& pool, const MemoryType& type,
                                                uint64_t max_pages, Budget& budget,
                                                std::shared_ptr<const MemoryImage> image = nullptr);
  ~Memory();
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;

  uint8_t* base() const { return base_; }
  uint64_t size_bytes() const { return size_; }
  uint32_t pages() const { return static_cast<uint32_t>(size_ / kWasmPageSize); }
  const MemoryType& type() const { return type_; }
  std::span<uint8_t> data() const { return {base_, size_}; }

  // Grows by `delta` pages; returns the old size in pages, or -1 when the
  // maximum, the store limit or the host refuses.
  int64_t Grow(uint64_t delta);

  // Whether [offset, offset+length) lies inside the accessible memory.
  bool InBounds(uint64_t offset, uint64_t length) const {
    return offset <= size_ && length <= size_ - offset;
  }

 private:
  Memory() = default;

  MemoryPool* pool_ = nullptr;
  Budget* budget_ = nullptr;
  Reservation reservation_;
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  uint64_t max_pages_ = 0;
  MemoryType type_;
};

}  // namespace spindle
