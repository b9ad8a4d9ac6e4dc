#include "engine/llvm/bounded_loop_epoch.h"

#include <vector>

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/ValueHandle.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>

namespace spindle::aot {
namespace {

// The conditional branch of one epoch check inside `loop`, and the successor
// that stays in the loop; null when the check no longer has the shape the
// translator emitted (load -> compare -> branch out of the loop).
struct EpochExit {
  llvm::LoadInst* epoch = nullptr;
  llvm::BranchInst* branch = nullptr;
  llvm::BasicBlock* stay = nullptr;
};

EpochExit FindEpochExit(llvm::LoadInst* epoch, const llvm::Loop& loop) {
  if (!epoch->hasOneUse()) return {};
  auto* compare = llvm::dyn_cast<llvm::ICmpInst>(epoch->user_back());
  if (!compare || !compare->hasOneUse()) return {};
  auto* branch = llvm::dyn_cast<llvm::BranchInst>(compare->user_back());
  if (!branch || !branch->isConditional() || branch->getCondition() != compare) return {};
  llvm::BasicBlock* first = branch->getSuccessor(0);
  llvm::BasicBlock* second = branch->getSuccessor(1);
  if (loop.contains(first) == loop.contains(second)) return {};
  return {epoch, branch, loop.contains(first) ? first : second};
}

uint64_t InstructionCount(const llvm::Loop& loop) {
  uint64_t count = 0;
  for (const llvm::BasicBlock* block : loop.blocks()) count += block->size();
  return count;
}

void RemoveEpochExit(const EpochExit& exit) {
  llvm::BasicBlock* block = exit.branch->getParent();
  auto* compare = llvm::cast<llvm::ICmpInst>(exit.branch->getCondition());
  for (llvm::BasicBlock* successor : llvm::successors(block)) {
    if (successor != exit.stay) successor->removePredecessor(block);
  }
  llvm::BranchInst::Create(exit.stay, exit.branch);
  exit.branch->eraseFromParent();
  compare->eraseFromParent();
  exit.epoch->eraseFromParent();
}

}  // namespace

llvm::PreservedAnalyses BoundedLoopEpochPass::run(llvm::Function& function,
                                                  llvm::FunctionAnalysisManager& analyses) {
  const unsigned epoch_kind = function.getContext().getMDKindID(kEpochCheckMetadata);
  auto& loops = analyses.getResult<llvm::LoopAnalysis>(function);
  auto& evolution = analyses.getResult<llvm::ScalarEvolutionAnalysis>(function);

  // Decide for every loop first: removing an exit changes what SCEV knows.
  std::vector<EpochExit> removable;
  for (llvm::Loop* loop : loops.getLoopsInPreorder()) {
    if (!loop->isInnermost()) continue;
    const uint64_t max_trips = evolution.getSmallConstantMaxTripCount(loop);
    if (max_trips == 0 || max_trips * InstructionCount(*loop) > kInstructionBudget) continue;
    for (llvm::BasicBlock* block : loop->blocks()) {
      for (llvm::Instruction& instruction : *block) {
        auto* load = llvm::dyn_cast<llvm::LoadInst>(&instruction);
        if (!load || !load->getMetadata(epoch_kind)) continue;
        if (EpochExit exit = FindEpochExit(load, *loop); exit.branch) removable.push_back(exit);
      }
    }
  }
  if (removable.empty()) return llvm::PreservedAnalyses::all();
  std::vector<llvm::WeakVH> continuations;
  for (const EpochExit& exit : removable) {
    RemoveEpochExit(exit);
    continuations.emplace_back(exit.stay);
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
