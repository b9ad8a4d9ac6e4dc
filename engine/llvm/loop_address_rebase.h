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
#pragma once

#include <llvm/IR/PassManager.h>

namespace spindle::aot {

// The TBAA type name the translator gives linear-memory accesses.
inline constexpr const char* kLinearMemoryTbaaName = "wasm linear memory";

class LoopAddressRebasePass : public llvm::PassInfoMixin<LoopAddressRebasePass> {
 public:
  // Loops with a larger (or unknown) trip bound are left alone: the wrap
  // check needs the last address.
  static constexpr uint64_t kMaxTrips = uint64_t(1) << 20;

  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
};

}  // namespace spindle::aot
