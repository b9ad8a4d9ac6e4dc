// Drops the interruption check (the stack-limit compare, native_abi.h) from
// innermost loops that SCEV proves run at most a small number of
// iterations. The check is an early exit, and LLVM 19's loop vectorizer
// refuses loops with more than one exit: keeping it would leave a loop like
// matmul's row update scalar. Interruption stays bounded: the
// enclosing loop's header (or the function entry) still checks, so at most
// one bounded run of the inner loop passes between two checks.
//
// An innermost loop whose trip count SCEV can only state symbolically is
// versioned instead: entries that run few enough iterations take a copy
// without checks, the others the original code.
#pragma once

#include <llvm/IR/PassManager.h>

namespace spindle::aot {

// Metadata kind that marks the atomic stack-limit load of every check.
inline constexpr const char* kEpochCheckMetadata = "spindle.epoch";

class BoundedLoopEpochPass : public llvm::PassInfoMixin<BoundedLoopEpochPass> {
 public:
  // A loop qualifies when max trip count x instructions in its body stays
  // within this budget: about a millisecond of straight-line work.
  static constexpr uint64_t kInstructionBudget = uint64_t(1) << 22;

  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
};

}  // namespace spindle::aot
