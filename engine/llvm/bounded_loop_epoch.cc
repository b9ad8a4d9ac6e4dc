#include "engine/llvm/bounded_loop_epoch.h"

#include <vector>

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/ValueHandle.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>

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

}  // namespace

llvm::PreservedAnalyses BoundedLoopEpochPass::run(llvm::Function& function,
                                                  llvm::FunctionAnalysisManager& analyses) {
  const unsigned epoch_kind = function.getContext().getMDKindID(kEpochCheckMetadata);
  auto& loops = analyses.getResult<llvm::LoopAnalysis>(function);
  auto& evolution = analyses.getResult<llvm::ScalarEvolutionAnalysis>(function);

  // Decide for every loop first: removing a check changes what SCEV knows.
  std::vector<LimitCheck> removable;
  for (llvm::Loop* loop : loops.getLoopsInPreorder()) {
    if (!loop->isInnermost()) continue;
    const uint64_t max_trips = evolution.getSmallConstantMaxTripCount(loop);
    if (max_trips == 0 || max_trips * InstructionCount(*loop) > kInstructionBudget) continue;
    for (llvm::BasicBlock* block : loop->blocks()) {
      for (llvm::Instruction& instruction : *block) {
        auto* load = llvm::dyn_cast<llvm::LoadInst>(&instruction);
        if (!load || !load->getMetadata(epoch_kind)) continue;
        if (LimitCheck check = FindLimitCheck(load, *loop); check.branch) {
          removable.push_back(check);
        }
      }
    }
  }
  if (removable.empty()) return llvm::PreservedAnalyses::all();
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
