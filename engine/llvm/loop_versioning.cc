#include "engine/llvm/loop_versioning.h"

#include <string>

#include <llvm/IR/Instructions.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>
#include <llvm/Transforms/Utils/Cloning.h>
#include <llvm/Transforms/Utils/LoopUtils.h>
#include <llvm/Transforms/Utils/ValueMapper.h>

namespace spindle::aot {

llvm::Loop* VersionLoop(llvm::Loop& loop, llvm::BasicBlock* check, llvm::Value* condition,
                        const char* name, llvm::DominatorTree& dominators,
                        llvm::LoopInfo& loops, llvm::ScalarEvolution& evolution) {
  llvm::formLCSSA(loop, dominators, &loops, &evolution);
  llvm::BasicBlock* preheader = llvm::SplitBlock(check, check->getTerminator(), &dominators,
                                                 &loops, nullptr, std::string(name) + ".ph");
  llvm::SmallVector<llvm::BasicBlock*, 4> exits;
  loop.getUniqueExitBlocks(exits);
  llvm::SmallVector<llvm::BasicBlock*, 8> clone_blocks;
  llvm::ValueToValueMapTy map;
  llvm::Loop* fallback = llvm::cloneLoopWithPreheader(preheader, check, &loop, map,
                                                      std::string(".") + name + ".else",
                                                      &loops, &dominators, clone_blocks);
  llvm::remapInstructionsInBlocks(clone_blocks, map);

  llvm::Instruction* old_terminator = check->getTerminator();
  llvm::BranchInst::Create(preheader, fallback->getLoopPreheader(), condition, old_terminator);
  old_terminator->eraseFromParent();

  // Exits now have the fallback's exiting blocks as predecessors too (LCSSA
  // put every value used outside the loop into these phis).
  for (llvm::BasicBlock* exit : exits) {
    for (llvm::PHINode& phi : exit->phis()) {
      const unsigned incoming = phi.getNumIncomingValues();
      for (unsigned i = 0; i < incoming; ++i) {
        llvm::BasicBlock* from = phi.getIncomingBlock(i);
        if (!loop.contains(from)) continue;
        llvm::Value* value = phi.getIncomingValue(i);
        if (llvm::Value* mapped = map.lookup(value)) value = mapped;
        phi.addIncoming(value, llvm::cast<llvm::BasicBlock>(map[from]));
      }
    }
    llvm::BasicBlock* idom = dominators.getNode(exit)->getIDom()->getBlock();
    dominators.changeImmediateDominator(exit, dominators.findNearestCommonDominator(idom, check));
  }
  return fallback;
}

}  // namespace spindle::aot
