// Turns one partition into an ELF relocatable object for the host CPU:
// translation to IR, the O2 (or requested) pipeline, and machine code.
// Thread safe: each call builds its own LLVMContext and TargetMachine.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/base/result.h"
#include "engine/binary/module.h"
#include "engine/llvm/partitioner.h"

namespace spindle::aot {

Result<std::vector<uint8_t>> CompilePartition(const Module& module, const Partition& partition,
                                              uint32_t opt_level);

}  // namespace spindle::aot
