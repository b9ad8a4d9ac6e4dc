#include "engine/llvm/loop_passes.h"

#include "engine/llvm/loop_versioning.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include <llvm/ADT/MapVector.h>
#include <llvm/Analysis/AssumptionCache.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>
#include <llvm/Transforms/Utils/Cloning.h>
#include <llvm/Transforms/Utils/LoopSimplify.h>
#include <llvm/Transforms/Utils/LoopUtils.h>
#include <llvm/Transforms/Utils/ScalarEvolutionExpander.h>

namespace spindle::aot {
namespace {

bool IsLinearMemoryAccess(const llvm::Instruction& instruction) {
  const llvm::MDNode* tag = instruction.getMetadata(llvm::LLVMContext::MD_tbaa);
  if (!tag || tag->getNumOperands() < 1) return false;
  const auto* type = llvm::dyn_cast<llvm::MDNode>(tag->getOperand(0));
  if (!type || type->getNumOperands() < 1) return false;
  const auto* name = llvm::dyn_cast<llvm::MDString>(type->getOperand(0));
  return name && name->getString() == kLinearMemoryTbaaName;
}

// One access as memory + start + offset + step * i, for iteration i. When
// the wasm address is zext of an i32 recurrence {s + k, +, step}, that form
// holds only while s + k + step * i does not wrap, for every i below the trip
// bound: `wrap_base` is s (null for 0), `wrap_constant` is k.
struct AffineAccess {
  llvm::Instruction* instruction = nullptr;
  unsigned pointer_operand = 0;
  const llvm::SCEV* memory = nullptr;  // the memory's base pointer
  const llvm::SCEV* start = nullptr;   // i64, loop invariant; null for none
  int64_t offset = 0;
  int64_t step = 0;
  bool wraps_in_i32 = false;
  const llvm::SCEV* wrap_base = nullptr;
  int64_t wrap_constant = 0;
};

std::optional<int64_t> SignedConstant(const llvm::SCEV* expression) {
  const auto* constant = llvm::dyn_cast<llvm::SCEVConstant>(expression);
  if (!constant || constant->getAPInt().getSignificantBits() > 63) return std::nullopt;
  return constant->getAPInt().getSExtValue();
}

// `expression` as constant + rest (rest null when there is none). The
// constant of an outer loop's recurrence counts too: {c + s, +, d} gives c
// and {s, +, d}, so that p + 8 and p share the start p.
std::pair<int64_t, const llvm::SCEV*> SplitConstant(llvm::ScalarEvolution& evolution,
                                                    const llvm::SCEV* expression) {
  if (auto value = SignedConstant(expression)) return {*value, nullptr};
  if (const auto* add_rec = llvm::dyn_cast<llvm::SCEVAddRecExpr>(expression)) {
    if (!add_rec->isAffine()) return {0, expression};
    auto [constant, rest] = SplitConstant(evolution, add_rec->getStart());
    if (constant == 0) return {0, expression};
    if (!rest) rest = evolution.getZero(expression->getType());
    return {constant, evolution.getAddRecExpr(rest, add_rec->getStepRecurrence(evolution),
                                              add_rec->getLoop(), llvm::SCEV::FlagAnyWrap)};
  }
  const auto* sum = llvm::dyn_cast<llvm::SCEVAddExpr>(expression);
  if (!sum) return {0, expression};
  auto first = SignedConstant(sum->getOperand(0));
  if (!first) return {0, expression};
  llvm::SmallVector<const llvm::SCEV*, 4> rest(sum->operands().begin() + 1, sum->operands().end());
  return {*first, evolution.getAddExpr(rest)};
}

llvm::Value* PointerOperand(llvm::Instruction& instruction, unsigned* operand) {
  if (auto* load = llvm::dyn_cast<llvm::LoadInst>(&instruction)) {
    if (!load->isSimple()) return nullptr;
    *operand = 0;
    return load->getPointerOperand();
  }
  if (auto* store = llvm::dyn_cast<llvm::StoreInst>(&instruction)) {
    if (!store->isSimple()) return nullptr;
    *operand = 1;
    return store->getPointerOperand();
  }
  return nullptr;
}

std::optional<AffineAccess> DescribeAccess(llvm::Instruction& instruction, const llvm::Loop& loop,
                                           llvm::ScalarEvolution& evolution) {
  AffineAccess access;
  access.instruction = &instruction;
  llvm::Value* pointer = PointerOperand(instruction, &access.pointer_operand);
  if (!pointer || !IsLinearMemoryAccess(instruction)) return std::nullopt;

  const llvm::SCEV* address = evolution.getSCEV(pointer);
  access.memory = evolution.getPointerBase(address);
  if (!llvm::isa<llvm::SCEVUnknown>(access.memory) ||
      !evolution.isLoopInvariant(access.memory, &loop)) {
    return std::nullopt;
  }
  const llvm::SCEV* rest = evolution.removePointerBase(address);
  llvm::Type* i64 = rest->getType();
  llvm::SmallVector<const llvm::SCEV*, 4> terms;
  if (const auto* sum = llvm::dyn_cast<llvm::SCEVAddExpr>(rest)) {
    terms.append(sum->operands().begin(), sum->operands().end());
  } else {
    terms.push_back(rest);
  }
  llvm::SmallVector<const llvm::SCEV*, 4> invariant_terms;
  bool found_recurrence = false;
  for (const llvm::SCEV* term : terms) {
    if (auto value = SignedConstant(term)) {
      access.offset += *value;
      continue;
    }
    if (evolution.isLoopInvariant(term, &loop)) {
      invariant_terms.push_back(term);
      continue;
    }
    // The one varying term: zext of an i32 recurrence (the wasm address),
    // or an i64 recurrence that SCEV already proved free of wrapping.
    if (found_recurrence) return std::nullopt;
    found_recurrence = true;
    const llvm::SCEV* recurrence = term;
    if (const auto* extended = llvm::dyn_cast<llvm::SCEVZeroExtendExpr>(term)) {
      recurrence = extended->getOperand();
      access.wraps_in_i32 = true;
    }
    const auto* add_rec = llvm::dyn_cast<llvm::SCEVAddRecExpr>(recurrence);
    if (!add_rec || add_rec->getLoop() != &loop || !add_rec->isAffine()) return std::nullopt;
    auto step = SignedConstant(add_rec->getStepRecurrence(evolution));
    if (!step) return std::nullopt;
    access.step = *step;
    auto [constant, variable] = SplitConstant(evolution, add_rec->getStart());
    access.offset += constant;
    if (access.wraps_in_i32) {
      access.wrap_base = variable;
      access.wrap_constant = constant;
      if (variable) invariant_terms.push_back(evolution.getZeroExtendExpr(variable, i64));
    } else if (variable) {
      invariant_terms.push_back(variable);
    }
  }
  if (!found_recurrence) return std::nullopt;
  if (!invariant_terms.empty()) access.start = evolution.getAddExpr(invariant_terms);
  return access;
}

// Bounds on zext(wrap_base) that keep wrap_base + wrap_constant + step * i
// within [0, UINT32_MAX] for every i below `trips`.
struct WrapBound {
  uint64_t minimum = 0;
  uint64_t maximum = UINT32_MAX;
};

std::optional<WrapBound> BoundFor(const AffineAccess& access, uint64_t trips) {
  const __int128 span = __int128(access.step) * __int128(trips - 1);
  const __int128 low = __int128(access.wrap_constant) + std::min<__int128>(0, span);
  const __int128 high = __int128(access.wrap_constant) + std::max<__int128>(0, span);
  const __int128 minimum = std::max<__int128>(0, -low);
  const __int128 maximum = std::min<__int128>(UINT32_MAX, __int128(UINT32_MAX) - high);
  if (maximum < minimum) return std::nullopt;
  if (!access.wrap_base && minimum > 0) return std::nullopt;  // a constant that wraps
  return WrapBound{uint64_t(minimum), uint64_t(maximum)};
}

bool RebaseLoop(llvm::Loop& loop, llvm::ScalarEvolution& evolution,
                llvm::DominatorTree& dominators, llvm::LoopInfo& loops,
                llvm::AssumptionCache& assumptions, const llvm::DataLayout& layout) {
  const uint64_t trips = evolution.getSmallConstantMaxTripCount(&loop);
  if (trips == 0 || trips > LoopAddressRebasePass::kMaxTrips) return false;
  // A dedicated preheader for the check (the vectorizer would make one too).
  llvm::simplifyLoop(&loop, &dominators, &loops, &evolution, &assumptions, nullptr, false);
  llvm::BasicBlock* check = loop.getLoopPreheader();
  if (!check || !loop.getExitingBlock() || !loop.getUniqueExitBlock()) return false;

  std::vector<AffineAccess> accesses;
  for (llvm::BasicBlock* block : loop.blocks()) {
    for (llvm::Instruction& instruction : *block) {
      if (auto access = DescribeAccess(instruction, loop, evolution)) accesses.push_back(*access);
    }
  }
  if (accesses.empty()) return false;

  // Bounds per wrap base: the tightest over its accesses. MapVector keeps
  // the order of first use, so the emitted code does not depend on where
  // the SCEVs happen to be allocated (artifacts stay reproducible).
  llvm::MapVector<const llvm::SCEV*, WrapBound> bounds;
  llvm::MapVector<std::pair<const llvm::SCEV*, const llvm::SCEV*>, llvm::Value*> bases;
  for (const AffineAccess& access : accesses) {
    bases[{access.memory, access.start}] = nullptr;
    if (!access.wraps_in_i32) continue;
    std::optional<WrapBound> bound = BoundFor(access, trips);
    if (!bound) return false;
    auto [it, inserted] = bounds.insert({access.wrap_base, *bound});
    if (!inserted) {
      it->second.minimum = std::max(it->second.minimum, bound->minimum);
      it->second.maximum = std::min(it->second.maximum, bound->maximum);
      if (it->second.maximum < it->second.minimum) return false;
    }
  }
  const bool constant_bases_only = bounds.size() == 1 && bounds.begin()->first == nullptr;
  if (bases.size() < 2 && (bounds.empty() || constant_bases_only)) return false;

  llvm::SCEVExpander expander(evolution, layout, "rebase");
  llvm::Instruction* check_point = check->getTerminator();
  for (auto& [key, base] : bases) {
    if (key.second && !expander.isSafeToExpandAt(key.second, check_point)) return false;
  }
  for (auto& [wrap_base, bound] : bounds) {
    if (wrap_base && !expander.isSafeToExpandAt(wrap_base, check_point)) return false;
  }

  // The check: every wrap base within its bounds.
  llvm::IRBuilder<> builder(check_point);
  llvm::Type* i64 = builder.getInt64Ty();
  llvm::Value* condition = builder.getTrue();
  for (auto& [wrap_base, bound] : bounds) {
    if (!wrap_base) continue;
    llvm::Value* value = builder.CreateZExt(
        expander.expandCodeFor(wrap_base, wrap_base->getType(), check_point), i64);
    if (bound.minimum > 0) {
      condition = builder.CreateAnd(
          condition, builder.CreateICmpUGE(value, builder.getInt64(bound.minimum)));
    }
    if (bound.maximum < UINT32_MAX) {
      condition = builder.CreateAnd(
          condition, builder.CreateICmpULE(value, builder.getInt64(bound.maximum)));
    }
  }
  if (!llvm::isa<llvm::Constant>(condition)) {
    llvm::Loop* fallback = VersionLoop(loop, check, condition, "rebase", dominators, loops, evolution);
    // It runs only for addresses at the top of the 32-bit space: not worth
    // the code a vectorized copy would take.
    llvm::addStringMetadataToLoop(fallback, "llvm.loop.vectorize.enable", 0);
  }

  // In the checked copy: one new underlying object per distinct start.
  llvm::BasicBlock* preheader = loop.getLoopPreheader();
  builder.SetInsertPoint(preheader->getTerminator());
  for (auto& [key, base] : bases) {
    const auto* memory = llvm::cast<llvm::SCEVUnknown>(key.first);
    llvm::Value* address = builder.CreatePtrToInt(memory->getValue(), i64);
    if (key.second) {
      address = builder.CreateAdd(
          address, expander.expandCodeFor(key.second, i64, preheader->getTerminator()));
    }
    base = builder.CreateIntToPtr(address, memory->getValue()->getType(), "rebased");
  }
  for (const AffineAccess& access : accesses) {
    const llvm::SCEV* offset =
        access.step == 0
            ? evolution.getConstant(i64, uint64_t(access.offset), true)
            : evolution.getAddRecExpr(evolution.getConstant(i64, uint64_t(access.offset), true),
                                      evolution.getConstant(i64, uint64_t(access.step), true),
                                      &loop, llvm::SCEV::FlagNW);
    llvm::Value* index = expander.expandCodeFor(offset, i64, access.instruction);
    builder.SetInsertPoint(access.instruction);
    llvm::Value* pointer =
        builder.CreateGEP(builder.getInt8Ty(), bases[{access.memory, access.start}], index);
    access.instruction->setOperand(access.pointer_operand, pointer);
  }
  return true;
}

}  // namespace

llvm::PreservedAnalyses LoopAddressRebasePass::run(llvm::Function& function,
                                                   llvm::FunctionAnalysisManager& analyses) {
  auto& loops = analyses.getResult<llvm::LoopAnalysis>(function);
  auto& evolution = analyses.getResult<llvm::ScalarEvolutionAnalysis>(function);
  auto& dominators = analyses.getResult<llvm::DominatorTreeAnalysis>(function);
  auto& assumptions = analyses.getResult<llvm::AssumptionAnalysis>(function);
  std::vector<llvm::Loop*> innermost;
  for (llvm::Loop* loop : loops.getLoopsInPreorder()) {
    if (loop->isInnermost()) innermost.push_back(loop);
  }
  bool changed = false;
  for (llvm::Loop* loop : innermost) {
    if (RebaseLoop(*loop, evolution, dominators, loops, assumptions,
                   function.getParent()->getDataLayout())) {
      changed = true;
      evolution.forgetAllLoops();
    }
  }
  return changed ? llvm::PreservedAnalyses::none() : llvm::PreservedAnalyses::all();
}

}  // namespace spindle::aot
