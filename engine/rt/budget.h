// A store-wide allowance of one resource (memory pages, table elements) that
// every object of the store draws from when it is created and when it grows,
// so that many tables or memories together stay within the store's limits.
// Not thread safe: a store is used by one thread at a time.
#pragma once

#include <cstdint>

namespace spindle {

class Budget {
 public:
  explicit Budget(uint64_t limit) : limit_(limit) {}

  bool Take(uint64_t amount) {
    if (amount > limit_ - used_) {
      refused_ = true;
      return false;
    }
    used_ += amount;
    return true;
  }
  void Return(uint64_t amount) { used_ -= amount; }
  // Records a refusal that happened for a per-object limit, so the embedder
  // can tell a guest that ran out of memory from one that failed otherwise.
  void NoteRefusal() { refused_ = true; }

  uint64_t used() const { return used_; }
  uint64_t limit() const { return limit_; }
  bool refused() const { return refused_; }

 private:
  uint64_t limit_;
  uint64_t used_ = 0;
  bool refused_ = false;
};

}  // namespace spindle
