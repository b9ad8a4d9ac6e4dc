// Links the partitions' ELF64 x86-64 relocatable objects into one blob of
// position-independent code: every SHF_ALLOC section is laid out with its
// alignment (executable sections first), symbols are resolved across the
// objects, and PC-relative relocations are applied. Anything the runtime
// could not map read+execute without relocating (writable sections,
// absolute relocations, undefined symbols) is an error, not a fixup.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/base/result.h"

namespace spindle::aot {

struct LinkedCode {
  std::vector<uint8_t> blob;
  // Global symbols defined by the objects -> offset in the blob.
  std::unordered_map<std::string, uint64_t> symbols;
};

Result<LinkedCode> LinkObjects(const std::vector<std::vector<uint8_t>>& objects);

}  // namespace spindle::aot
