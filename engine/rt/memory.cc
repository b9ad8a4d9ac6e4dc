#include "engine/rt/memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace spindle {
namespace {

uint64_t RoundUpToHostPage(uint64_t bytes) {
  constexpr uint64_t kHostPage = 4096;
  return (bytes + kHostPage - 1) & ~(kHostPage - 1);
}

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

}  // namespace

MemoryPool::~MemoryPool() {
  for (const Reservation& reservation : free_) munmap(reservation.base, reservation.length);
}

Result<Reservation> MemoryPool::Acquire(uint64_t initial_bytes) {
  Reservation reservation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      reservation = free_.back();
      free_.pop_back();
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
  Status committed = Commit(reservation, initial_bytes);
  if (!committed.ok()) {
    Release(reservation);
    return std::move(committed).error();
  }
  return reservation;
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
  // The pages stay read-write: the next memory of the same size (the usual
  // case, one module serving request after request) then needs no mprotect,
  // whose TLB shootdowns dominated a short request. Small memories are
  // cleared in place, which also spares the next user the page faults;
  // large ones are dropped and read as zero again.
  if (reservation.committed <= kClearInPlaceBytes) {
    std::memset(reservation.base, 0, reservation.committed);
  } else {
    madvise(reservation.base, reservation.committed, MADV_DONTNEED);
  }
  lock.lock();
  if (free_.size() < capacity_) {
    free_.push_back(reservation);
    return;
  }
  lock.unlock();
  munmap(reservation.base, reservation.length);
}

Result<std::unique_ptr<Memory>> Memory::Create(MemoryPool& pool, const MemoryType& type,
                                               uint64_t max_pages, Budget& budget) {
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
  auto reservation = pool.Acquire(initial);
  if (!reservation.ok()) {
    budget.Return(type.limits.min);
    return std::move(reservation).error();
  }
  std::unique_ptr<Memory> memory(new Memory());
  memory->pool_ = &pool;
  memory->budget_ = &budget;
  memory->reservation_ = *reservation;
  memory->base_ = reservation->base;
  memory->size_ = initial;
  memory->max_pages_ = max_pages;
  memory->type_ = type;
  return memory;
}

Memory::~Memory() {
  budget_->Return(pages());
  pool_->Release(reservation_);
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
