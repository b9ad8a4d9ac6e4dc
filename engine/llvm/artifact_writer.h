// Serializes compiled code in the artifact format of engine/rt/native_abi.h.
#pragma once

#include <cstdint>
#include <vector>

namespace spindle::aot {

struct ArtifactContents {
  const uint8_t* key = nullptr;  // 32 bytes, or null for zeros
  uint64_t wasm_size = 0;
  uint32_t opt_level = 0;
  double compile_seconds = 0;
  std::vector<uint64_t> function_offsets;  // per defined function
  std::vector<uint64_t> entry_offsets;     // per type index
  const std::vector<uint8_t>* code = nullptr;
};

std::vector<uint8_t> WriteArtifact(const ArtifactContents& contents);

}  // namespace spindle::aot
