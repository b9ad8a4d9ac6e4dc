// Splits a module's defined functions into partitions that are translated,
// optimized and emitted independently (one LLVMContext each), so that the
// expensive O2 pipeline runs on all cores.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/binary/module.h"

namespace spindle::aot {

struct Partition {
  std::vector<uint32_t> defined_functions;  // indices into Module::functions
  bool has_entry_thunks = false;            // exactly one partition emits them
  uint64_t code_bytes = 0;                  // wasm body bytes, the balancing weight
};

// At most `count` non-empty partitions of roughly equal body size (largest
// function first onto the lightest partition). Always returns at least one
// partition, the one with the entry thunks, even for a module without code.
std::vector<Partition> PartitionFunctions(const Module& module, uint32_t count);

}  // namespace spindle::aot
