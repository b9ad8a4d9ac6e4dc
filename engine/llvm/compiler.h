// The whole compile of a decoded, validated module: partitioning, parallel
// per-partition codegen, linking. Free of LLVM types, so plugin.cc and the
// tests' view of the tier stay cheap to build.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/base/result.h"
#include "engine/binary/module.h"

namespace spindle::aot {

struct CompiledCode {
  std::vector<uint8_t> blob;
  std::vector<uint64_t> function_offsets;  // per defined function
  std::vector<uint64_t> entry_offsets;     // per type index
};

// `threads` == 0 means std::thread::hardware_concurrency().
Result<CompiledCode> CompileModule(const Module& module, uint32_t opt_level, uint32_t threads);

}  // namespace spindle::aot
