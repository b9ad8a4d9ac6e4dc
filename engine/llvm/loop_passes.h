// The LLVM tier's own loop passes. Both run where LLVM's loop vectorizer
// starts (codegen.cc), in this order, and exist so that the vectorizer can
// do for wasm loops what it does for C.
#pragma once

#include <cstdint>

#include <llvm/IR/PassManager.h>

namespace spindle::aot {

// Metadata kind that marks the atomic stack-limit load of every check.
inline constexpr const char* kEpochCheckMetadata = "spindle.epoch";

// The TBAA type name the translator gives linear-memory accesses.
inline constexpr const char* kLinearMemoryTbaaName = "wasm linear memory";

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
class BoundedLoopEpochPass : public llvm::PassInfoMixin<BoundedLoopEpochPass> {
 public:
  // A loop qualifies when max trip count x instructions in its body stays
  // within this budget: about a millisecond of straight-line work.
  static constexpr uint64_t kInstructionBudget = uint64_t(1) << 22;

  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
};

// Lets LLVM's loop vectorizer see linear-memory accesses the way it sees C
// pointers. A wasm address is zext(i32 sum), so `p[j]`, `p[j+1]` and `q[j]`
// all become membase + zext(...) with the same underlying object: SCEV
// cannot prove that zext(p + 8) == zext(p) + 8 (the i32 sum could wrap), and
// loop-access analysis, finding one object with an unknown distance between
// p and q, falls back to pairwise run-time checks that p[j] and p[j+1]
// always fail.
//
// For an innermost loop with a small constant trip bound, this pass versions
// the loop on a preheader check that no address sum wraps in any iteration.
// In the checked copy every access becomes base(s) + constant + step * i,
// where base(s) = membase + zext(s) is formed once per distinct
// loop-invariant start s through inttoptr, a new underlying object: accesses
// off the same start keep constant distances, different starts get the
// grouped run-time alias check a C compiler emits. The other copy keeps the
// original wrapping code and runs when the check fails.
class LoopAddressRebasePass : public llvm::PassInfoMixin<LoopAddressRebasePass> {
 public:
  // Loops with a larger (or unknown) trip bound are left alone: the wrap
  // check needs the last address.
  static constexpr uint64_t kMaxTrips = uint64_t(1) << 20;

  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
};

}  // namespace spindle::aot
