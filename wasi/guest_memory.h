// Bounds-checked access to a guest's linear memory for host functions.
// Every pointer a guest passes is untrusted: checks use 64-bit arithmetic so
// that ptr + len cannot wrap, and a failed check is EFAULT, never a fault.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "engine/rt/memory.h"

namespace spindle::wasi {

class GuestMemory {
 public:
  explicit GuestMemory(Memory* memory) : memory_(memory) {}

  bool valid() const { return memory_ != nullptr; }

  bool InBounds(uint64_t ptr, uint64_t length) const {
    return memory_ && memory_->InBounds(ptr, length);
  }
  // Null when out of bounds.
  uint8_t* At(uint64_t ptr, uint64_t length) const {
    return InBounds(ptr, length) ? memory_->base() + ptr : nullptr;
  }
  template <typename T>
  bool Read(uint64_t ptr, T& out) const {
    const uint8_t* p = At(ptr, sizeof(T));
    if (!p) return false;
    std::memcpy(&out, p, sizeof(T));
    return true;
  }
  template <typename T>
  bool Write(uint64_t ptr, T value) const {
    uint8_t* p = At(ptr, sizeof(T));
    if (!p) return false;
    std::memcpy(p, &value, sizeof(T));
    return true;
  }
  bool WriteBytes(uint64_t ptr, std::string_view bytes) const {
    uint8_t* p = At(ptr, bytes.size());
    if (!p) return false;
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    return true;
  }

 private:
  Memory* memory_;
};

}  // namespace spindle::wasi
