#include "engine/rt/memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <memory>

namespace spindle {
namespace {

// Makes exactly the first `bytes` (rounded to host pages) read-write, so the
// guard starts right after the accessible memory whatever the reservation
// held before.
Status Commit(Reservation& reservation, uint64_t bytes) {
  bytes = RoundUpToHostPage(bytes);
  if (bytes == reservation.committed) return Ok();
  if (bytes < reservation.committed) {
    if (mprotect(reservation.base + bytes, reservation.committed - bytes, PROT_NONE) != 0) {
      return MakeError(Phase::kRuntime, std::string("cannot shrink memory: ") + strerror(errno));
    }
    reservation.committed = bytes;
    return Ok();
  }
  if (mprotect(reservation.base + reservation.committed, bytes - reservation.committed,
               PROT_READ | PROT_WRITE) != 0) {
    return MakeError(Phase::kRuntime, std::string("cannot commit memory: ") + strerror(errno));
  }
  reservation.committed = bytes;
  return Ok();
}

void DropPages(uint8_t* start, uint64_t bytes) {
  if (bytes != 0) madvise(start, bytes, MADV_DONTNEED);
}

// Index of the free reservation Acquire should take: one already holding
// `image`, else one holding no image (no unmapping needed), else the most
// recently released; -1 if there is none.
int PickReservation(const std::vector<Reservation>& free, const MemoryImage* image) {
  for (size_t i = free.size(); i-- > 0;) {
    if (free[i].image.get() == image) return static_cast<int>(i);
  }
  for (size_t i = free.size(); i-- > 0;) {
    if (!free[i].image) return static_cast<int>(i);
  }
  return free.empty() ? -1 : static_cast<int>(free.size() - 1);
}

}  // namespace

MemoryPool::~MemoryPool() {
  for (const Reservation& reservation : free_) munmap(reservation.base, reservation.length);
}

Result<Reservation> MemoryPool::Acquire(uint64_t initial_bytes,
                                        std::shared_ptr<const MemoryImage> image) {
  Reservation reservation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const int picked = PickReservation(free_, image.get());
    if (picked >= 0) {
      reservation = std::move(free_[picked]);
      free_.erase(free_.begin() + picked);
    }
  }
  if (!reservation.base) {
    void* address = mmap(nullptr, kReservationBytes, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (address == MAP_FAILED) {
      return MakeError(Phase::kRuntime,
                       std::string("cannot reserve linear memory: ") + strerror(errno));
    }
    reservation.base = static_cast<uint8_t*>(address);
    reservation.length = kReservationBytes;
  }
  Status prepared = Prepare(reservation, initial_bytes, std::move(image));
  if (!prepared.ok()) {
    // Its mappings are in an unknown state: never hand it out again.
    munmap(reservation.base, reservation.length);
    return std::move(prepared).error();
  }
  return reservation;
}

Status MemoryPool::Prepare(Reservation& reservation, uint64_t initial_bytes,
                           std::shared_ptr<const MemoryImage> image) {
  if (image && image->end() > RoundUpToHostPage(initial_bytes)) {
    return MakeError(Phase::kRuntime, "memory image larger than the initial memory");
  }
  if (reservation.image && reservation.image != image) {
    // Another module's contents: they must not show through to this user.
    const MemoryImage& old = *reservation.image;
    if (init_ == MemoryInit::kKeepResident) {
      std::memset(reservation.base + old.offset(), 0, old.length());
    } else {
      void* address = mmap(reservation.base + old.offset(), old.length(), PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
      if (address == MAP_FAILED) {
        return MakeError(Phase::kRuntime,
                         std::string("cannot unmap a memory image: ") + strerror(errno));
      }
    }
    reservation.image.reset();
  }
  SPINDLE_TRY(Commit(reservation, initial_bytes));
  if (image && reservation.image != image) {
    if (init_ == MemoryInit::kKeepResident) {
      std::memcpy(reservation.base + image->offset(), image->contents().data(), image->length());
    } else {
      SPINDLE_TRY(image->MapCopyOnWrite(reservation.base));
    }
    reservation.image = std::move(image);
  }
  return Ok();
}

void MemoryPool::Release(Reservation reservation) {
  if (!reservation.base) return;
  std::unique_lock<std::mutex> lock(mutex_);
  if (free_.size() >= capacity_) {
    lock.unlock();
    munmap(reservation.base, reservation.length);
    return;
  }
  lock.unlock();
  Reset(reservation);
  lock.lock();
  if (free_.size() < capacity_) {
    free_.push_back(std::move(reservation));
    return;
  }
  lock.unlock();
  munmap(reservation.base, reservation.length);
}

void MemoryPool::Reset(Reservation& reservation) {
  if (init_ == MemoryInit::kKeepResident) {
    return ResetInPlace(reservation, RoundDownToHostPage(keep_resident_bytes_));
  }
  // The pages stay read-write: the next memory of the same size (the usual
  // case, one module serving request after request) then needs no mprotect,
  // whose TLB shootdowns dominated a short request.
  //
  // Small memories are reset in place, which spares the next user the page
  // faults: a fault costs about 2 us on a VM, more than copying a small
  // image and clearing 256 KiB (bench/instantiate_bench.cc, hello with 4
  // pages written: 9.4 us CPU with MADV_DONTNEED, 1.7 us in place). Their
  // image pages become private copies once and stay so.
  if (reservation.committed <= kClearInPlaceBytes) {
    if (reservation.image) return ResetInPlace(reservation, reservation.committed);
    std::memset(reservation.base, 0, reservation.committed);
    return;
  }
  // Large ones are dropped, in one call over the whole prefix: private
  // copies of image pages read the image again, the anonymous rest zeros.
  DropPages(reservation.base, reservation.committed);
}

void MemoryPool::ResetInPlace(Reservation& reservation, uint64_t resident_limit) {
  uint8_t* base = reservation.base;
  uint64_t resident = std::min(reservation.committed, resident_limit);
  uint64_t zero_from = 0;
  if (reservation.image) {
    const MemoryImage& image = *reservation.image;
    // Everything up to the image's end stays resident whatever the limit.
    std::memset(base, 0, image.offset());
    std::memcpy(base + image.offset(), image.contents().data(), image.length());
    zero_from = image.end();
    resident = std::max(resident, zero_from);
  }
  if (resident > zero_from) std::memset(base + zero_from, 0, resident - zero_from);
  DropPages(base + resident, reservation.committed - resident);
}

Result<std::unique_ptr<Memory>> Memory::Create(MemoryPool& pool, const MemoryType& type,
                                               uint64_t max_pages, Budget& budget,
                                               std::shared_ptr<const MemoryImage> image) {
  const uint64_t initial = type.limits.min * kWasmPageSize;
  if (type.limits.min > max_pages) {
    return MakeError(Phase::kInstantiate,
                     "memory of " + std::to_string(type.limits.min) +
                         " pages exceeds the limit of " + std::to_string(max_pages) + " pages");
  }
  if (!budget.Take(type.limits.min)) {
    return MakeError(Phase::kInstantiate,
                     "memory of " + std::to_string(type.limits.min) +
                         " pages exceeds the store's remaining budget (" +
                         std::to_string(budget.limit() - budget.used()) + " of " +
                         std::to_string(budget.limit()) + " pages)");
  }
  auto reservation = pool.Acquire(initial, std::move(image));
  if (!reservation.ok()) {
    budget.Return(type.limits.min);
    return std::move(reservation).error();
  }
  std::unique_ptr<Memory> memory(new Memory());
  memory->pool_ = &pool;
  memory->budget_ = &budget;
  memory->reservation_ = std::move(reservation).value();
  memory->base_ = memory->reservation_.base;
  memory->size_ = initial;
  memory->max_pages_ = max_pages;
  memory->type_ = type;
  return memory;
}

Memory::~Memory() {
  budget_->Return(pages());
  pool_->Release(std::move(reservation_));
}

int64_t Memory::Grow(uint64_t delta) {
  const uint64_t old_pages = pages();
  if (delta == 0) return static_cast<int64_t>(old_pages);
  const uint64_t new_pages = old_pages + delta;
  // The module's own limits first; only then the embedder's, whose refusals
  // are recorded so the embedder can say the guest ran out of memory.
  if (new_pages > kMaxMemoryPages) return -1;
  if (type_.limits.has_max && new_pages > type_.limits.max) return -1;
  if (new_pages > max_pages_) {
    budget_->NoteRefusal();
    return -1;
  }
  const uint64_t new_size = new_pages * kWasmPageSize;
  if (!budget_->Take(delta)) return -1;
  if (!Commit(reservation_, new_size).ok()) {
    budget_->Return(delta);
    return -1;
  }
  size_ = new_size;
  return static_cast<int64_t>(old_pages);
}

}  // namespace spindle
