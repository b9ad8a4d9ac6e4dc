// Assembles the LLVM module of one partition: its functions' bodies,
// declarations of the functions it calls in other partitions, and (in one
// partition) the entry thunks of every type index.
#pragma once

#include "engine/base/result.h"
#include "engine/binary/module.h"
#include "engine/llvm/ir_env.h"
#include "engine/llvm/partitioner.h"

namespace spindle::aot {

Status TranslatePartition(const Module& module, const Partition& partition,
                          const TargetDescription& target, llvm::Module& out);

}  // namespace spindle::aot
