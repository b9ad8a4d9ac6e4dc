// The wit-bindgen 0.2 canonical ABI seen from the host (spin-compat.md
// §4.2): guest memory plus the guest's canonical_abi_realloc and
// canonical_abi_free. Used when the host calls a Spin 1 export (it lowers
// the arguments and frees the results) and when a guest calls a host import
// (the host reads the arguments and lowers the results, which the guest then
// owns). Every pointer and length from the guest is checked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/rt/instance.h"
#include "engine/rt/store.h"
#include "wasi/guest_memory.h"

namespace spindle::spin1 {

inline constexpr char kCanonicalRealloc[] = "canonical_abi_realloc";
inline constexpr char kCanonicalFree[] = "canonical_abi_free";

class GuestAbi {
 public:
  GuestAbi(Store& store, Instance& instance);

  // The instance exports memory and both allocator functions.
  bool complete() const { return memory_ && realloc_ && free_; }
  wasi::GuestMemory memory() const { return wasi::GuestMemory(memory_); }

  // Copies `bytes` into a fresh guest allocation (ownership passes to the
  // guest). An empty value gets the aligned dangling pointer Rust uses.
  Result<uint32_t> Lower(std::string_view bytes, uint32_t align = 1);
  // A fresh allocation of `size` bytes, checked to lie inside memory.
  Result<uint32_t> Allocate(uint32_t size, uint32_t align);
  // Writes `bytes` at `pointer`, which the host allocated or the guest gave.
  Status Write(uint32_t pointer, std::string_view bytes);
  Status Free(uint32_t pointer, uint32_t size, uint32_t align);

  // A guest string or list<u8> of `length` bytes at `pointer`.
  Result<std::string> Read(uint32_t pointer, uint32_t length) const;
  // A guest list<string>: `count` {ptr, len} pairs at `pointer`.
  Result<std::vector<std::string>> ReadStringList(uint32_t pointer, uint32_t count) const;
  // Lowers a list<string>; returns the pointer to its {ptr, len} array.
  Result<uint32_t> LowerStringList(const std::vector<std::string>& items);

 private:
  Store& store_;
  Memory* memory_;
  Function* realloc_;
  Function* free_;
};

// Little-endian scalars inside a result area the host builds.
void Put32(std::string& area, size_t offset, uint32_t value);
void Put64(std::string& area, size_t offset, uint64_t value);
uint32_t Load32(const uint8_t* bytes);

}  // namespace spindle::spin1
