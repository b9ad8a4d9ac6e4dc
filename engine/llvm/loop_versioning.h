// Loop versioning shared by the LLVM tier's loop passes: one copy of an
// innermost loop for when a run-time condition holds (and so can be
// optimized harder), the original code for when it does not.
#pragma once

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/IR/Dominators.h>

namespace spindle::aot {

// `check` is `loop`'s preheader and computes `condition` (an i1). Afterwards
// `loop` is the copy entered when the condition holds, behind a new
// preheader "<name>.ph"; the returned loop, a clone of the original code
// with blocks suffixed ".<name>.else", runs otherwise. Keeps the dominator tree
// and loop info current; values used after the loop get phis over both.
llvm::Loop* VersionLoop(llvm::Loop& loop, llvm::BasicBlock* check, llvm::Value* condition,
                        const char* name, llvm::DominatorTree& dominators,
                        llvm::LoopInfo& loops, llvm::ScalarEvolution& evolution);

}  // namespace spindle::aot
