#include "engine/llvm/loop_passes.h"

#include <vector>

#include <llvm/Analysis/AssumptionCache.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/ValueHandle.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>
#include <llvm/Transforms/Utils/LoopSimplify.h>
#include <llvm/Transforms/Utils/ScalarEvolutionExpander.h>

#include "engine/llvm/loop_versioning.h"

namespace spindle::aot {
namespace {

// One limit check inside `loop` in the shape the translator emits: load ->
// compare -> branch out of the loop to the block that calls the runtime
// (which never returns). Null `branch` when the check lost that shape.
struct LimitCheck {
  llvm::LoadInst* limit = nullptr;
  llvm::BranchInst* branch = nullptr;
  llvm::BasicBlock* next = nullptr;  // the successor inside the loop
};

LimitCheck FindLimitCheck(llvm::LoadInst* limit, const llvm::Loop& loop) {
  if (!limit->hasOneUse()) return {};
  auto* compare = llvm::dyn_cast<llvm::ICmpInst>(limit->user_back());
  if (!compare || !compare->hasOneUse()) return {};
  auto* branch = llvm::dyn_cast<llvm::BranchInst>(compare->user_back());
  if (!branch || !branch->isConditional() || branch->getCondition() != compare) return {};
  llvm::BasicBlock* first = branch->getSuccessor(0);
  llvm::BasicBlock* second = branch->getSuccessor(1);
  if (loop.contains(first) == loop.contains(second)) return {};
  return {limit, branch, loop.contains(first) ? first : second};
}

uint64_t InstructionCount(const llvm::Loop& loop) {
  uint64_t count = 0;
  for (const llvm::BasicBlock* block : loop.blocks()) count += block->size();
  return count;
}

void RemoveLimitCheck(const LimitCheck& check) {
  llvm::BasicBlock* block = check.branch->getParent();
  auto* compare = llvm::cast<llvm::ICmpInst>(check.branch->getCondition());
  for (llvm::BasicBlock* successor : llvm::successors(block)) {
    if (successor != check.next) successor->removePredecessor(block);
  }
  llvm::BranchInst::Create(check.next, check.branch);
  check.branch->eraseFromParent();
  llvm::Value* other = compare->getOperand(compare->getOperand(0) == check.limit ? 1 : 0);
  compare->eraseFromParent();
  check.limit->eraseFromParent();
  // The rsp read: an intrinsic with side effects, so no pass deletes it.
  if (auto* read = llvm::dyn_cast<llvm::IntrinsicInst>(other);
      read && read->getIntrinsicID() == llvm::Intrinsic::read_register && read->use_empty()) {
    read->eraseFromParent();
  }
}

// The limit checks of `loop` in the translator's shape (possibly none).
std::vector<LimitCheck> LimitChecksIn(const llvm::Loop& loop, unsigned marker) {
  std::vector<LimitCheck> checks;
  for (llvm::BasicBlock* block : loop.blocks()) {
    for (llvm::Instruction& instruction : *block) {
      auto* load = llvm::dyn_cast<llvm::LoadInst>(&instruction);
      if (!load || !load->getMetadata(marker)) continue;
      if (LimitCheck check = FindLimitCheck(load, loop); check.branch) checks.push_back(check);
    }
  }
  return checks;
}

// For a loop whose trip count SCEV can express but not bound by a constant:
// a preheader condition "this entry runs few enough iterations", or null.
// Divisions are left out: a loop entered often for a few iterations would
// pay more for the division than the checks cost.
llvm::Value* FewTripsCondition(llvm::Loop& loop, uint64_t max_trips,
                               llvm::ScalarEvolution& evolution,
                               const llvm::DataLayout& layout) {
  llvm::BasicBlock* preheader = loop.getLoopPreheader();
  if (!preheader) return nullptr;
  // The bound from the exits SCEV understands: the checks only leave early.
  const llvm::SCEV* count = evolution.getSymbolicMaxBackedgeTakenCount(&loop);
  if (llvm::isa<llvm::SCEVCouldNotCompute>(count) || !count->getType()->isIntegerTy()) {
    return nullptr;
  }
  if (llvm::SCEVExprContains(count, [](const llvm::SCEV* s) {
        return llvm::isa<llvm::SCEVUDivExpr>(s);
      })) {
    return nullptr;
  }
  llvm::IRBuilder<> builder(preheader->getTerminator());
  const unsigned bits = count->getType()->getIntegerBitWidth();
  if (bits < 64 && max_trips >> bits) return builder.getTrue();  // every count is few
  llvm::SCEVExpander expander(evolution, layout, "trips");
  if (!expander.isSafeToExpandAt(count, preheader->getTerminator())) return nullptr;
  llvm::Value* value = expander.expandCodeFor(count, count->getType(), preheader->getTerminator());
  return builder.CreateICmpULT(value, llvm::ConstantInt::get(count->getType(), max_trips));
}

}  // namespace

llvm::PreservedAnalyses BoundedLoopEpochPass::run(llvm::Function& function,
                                                  llvm::FunctionAnalysisManager& analyses) {
  const unsigned marker = function.getContext().getMDKindID(kEpochCheckMetadata);
  auto& loops = analyses.getResult<llvm::LoopAnalysis>(function);
  auto& evolution = analyses.getResult<llvm::ScalarEvolutionAnalysis>(function);
  auto& dominators = analyses.getResult<llvm::DominatorTreeAnalysis>(function);
  auto& assumptions = analyses.getResult<llvm::AssumptionAnalysis>(function);
  const llvm::DataLayout& layout = function.getParent()->getDataLayout();

  // Decide for every loop first: removing a check changes what SCEV knows.
  struct SymbolicLoop {
    llvm::Loop* loop;
    uint64_t size;
    std::vector<LimitCheck> checks;
  };
  std::vector<LimitCheck> removable;
  std::vector<SymbolicLoop> symbolic;
  for (llvm::Loop* loop : loops.getLoopsInPreorder()) {
    if (!loop->isInnermost()) continue;
    const uint64_t size = InstructionCount(*loop);
    if (size > kInstructionBudget) continue;
    std::vector<LimitCheck> checks = LimitChecksIn(*loop, marker);
    if (checks.empty()) continue;
    const uint64_t max_trips = evolution.getSmallConstantMaxTripCount(loop);
    if (max_trips != 0 && max_trips * size <= kInstructionBudget) {
      removable.insert(removable.end(), checks.begin(), checks.end());
    } else {
      symbolic.push_back({loop, size, std::move(checks)});
    }
  }
  // A loop with a run-time trip count gets a copy without checks for the
  // entries that run few enough iterations. Versioning leaves the original
  // blocks (and so the checks found above) in the copy without checks.
  bool versioned = false;
  for (SymbolicLoop& candidate : symbolic) {
    llvm::Loop& loop = *candidate.loop;
    llvm::simplifyLoop(&loop, &dominators, &loops, &evolution, &assumptions, nullptr, false);
    llvm::Value* few =
        FewTripsCondition(loop, kInstructionBudget / candidate.size, evolution, layout);
    if (!few) continue;
    if (!llvm::isa<llvm::Constant>(few)) {
      VersionLoop(loop, loop.getLoopPreheader(), few, "few_trips", dominators, loops, evolution);
      versioned = true;
    }
    removable.insert(removable.end(), candidate.checks.begin(), candidate.checks.end());
  }
  if (removable.empty()) {
    return versioned ? llvm::PreservedAnalyses::none() : llvm::PreservedAnalyses::all();
  }
  std::vector<llvm::WeakVH> continuations;
  for (const LimitCheck& check : removable) {
    RemoveLimitCheck(check);
    continuations.emplace_back(check.next);
  }
  // One block again, as before the check split it, so the vectorizer's
  // if-conversion has nothing to do. A merge deletes the merged block, which
  // nulls its handle.
  for (llvm::WeakVH& handle : continuations) {
    if (handle) llvm::MergeBlockIntoPredecessor(llvm::cast<llvm::BasicBlock>(handle), nullptr, &loops);
  }
  evolution.forgetAllLoops();
  return llvm::PreservedAnalyses::none();
}

}  // namespace spindle::aot
