// Translates one wasm function body into LLVM IR, directly in SSA form: the
// operand stack is a vector of llvm::Value*, block results meet in phi
// nodes, and only wasm locals live in allocas (promoted by SROA/mem2reg).
//
// ir_translator.cc holds the frame, control flow, calls and variables;
// ir_operations.cc the numeric, memory, table and reference instructions.
// The module must be valid: the translator trusts the validator's typing.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include <llvm/IR/IRBuilder.h>

#include "engine/base/result.h"
#include "engine/binary/instr_reader.h"
#include "engine/llvm/ir_env.h"
#include "engine/rt/trap.h"

namespace spindle::aot {

class FunctionTranslator {
 public:
  FunctionTranslator(ModuleEnv& env, uint32_t defined_index);

  // Fills in the body of wasm_func_N.
  Status Translate();

 private:
  enum class FrameKind : uint8_t { kBlock, kLoop, kIf, kFunction };

  struct Frame {
    FrameKind kind = FrameKind::kBlock;
    std::vector<ValType> params;
    std::vector<ValType> results;
    size_t height = 0;  // operand stack height below the params
    // Where a branch to this label goes, and the phis taking its values: the
    // header and params of a loop, the continuation and results otherwise.
    llvm::BasicBlock* label = nullptr;
    std::vector<llvm::PHINode*> label_phis;
    llvm::BasicBlock* end = nullptr;  // continuation after `end`
    std::vector<llvm::PHINode*> end_phis;
    llvm::BasicBlock* else_block = nullptr;  // if: false edge, until `else`
    std::vector<llvm::Value*> if_params;     // if: the params again for `else`
    bool else_seen = false;
  };

  // --- ir_translator.cc: frame and control ---
  void EmitPrologue();
  Status EmitInstruction(const Instr& instr, InstrReader& reader);
  void FindReadLocals();
  void EmitDeadInstruction(const Instr& instr);
  void PushFrame(FrameKind kind, const BlockType& block_type);
  void EmitElse();
  void EmitEnd();
  void EmitBranch(uint32_t depth);
  void EmitBranchIf(uint32_t depth);
  void EmitBranchTable(uint32_t default_depth, const std::vector<uint32_t>& targets);
  void EmitReturn();
  // Adds the values a branch from the current block carries to `frame`'s
  // label phis (the top of the stack, which stays in place).
  void AddBranchIncoming(Frame& frame);
  void BecomeUnreachable();
  void EmitLimitCheck();  // stack limit and interruption, at entry and loop headers
  llvm::BasicBlock* NewBlock(const char* name);
  void StartBlock(llvm::BasicBlock* block);

  // --- ir_translator.cc: calls ---
  void EmitCall(uint32_t function_index);
  void EmitCallIndirect(uint32_t type_index, uint32_t table_index);
  // Calls an import: directly through a host function's typed entry when
  // it has one, else as EmitSlotCall. At most one result.
  std::vector<llvm::Value*> EmitImportCall(llvm::Value* callee, const FuncType& type,
                                           const std::vector<llvm::Value*>& args);
  // Ends a fast call path (its results), emits the runtime's slot call in
  // `slow_block`, and joins both paths' results in `join_block`.
  std::vector<llvm::Value*> JoinWithSlotCall(const std::vector<llvm::Value*>& fast_results,
                                             llvm::BasicBlock* slow_block,
                                             llvm::BasicBlock* join_block, llvm::Value* callee,
                                             const FuncType& type,
                                             const std::vector<llvm::Value*>& args);
  // Calls `callee` (a Function*) through RuntimeHelpers::call_function.
  std::vector<llvm::Value*> EmitSlotCall(llvm::Value* callee, const FuncType& type,
                                         const std::vector<llvm::Value*>& args);
  std::vector<llvm::Value*> PopArguments(const FuncType& type);
  std::vector<llvm::Value*> UnpackResults(llvm::Value* result, const FuncType& type);
  void PushValues(const std::vector<llvm::Value*>& values);

  // --- ir_operations.cc ---
  // Each returns false when `instr` is not of its family.
  bool EmitNumeric(const Instr& instr);
  bool EmitConversion(const Instr& instr);
  bool EmitMemory(const Instr& instr);
  bool EmitTableOrReference(const Instr& instr);
  void EmitGlobalGet(uint32_t global_index);
  void EmitGlobalSet(uint32_t global_index);
  llvm::Value* GlobalCell(uint32_t global_index);
  llvm::Value* EffectiveAddress(llvm::Value* address, uint32_t offset);
  llvm::Value* EmitDivision(Opcode op, llvm::Value* lhs, llvm::Value* rhs);
  llvm::Value* EmitTruncation(Opcode op, llvm::Value* value);
  llvm::Value* TableView(uint32_t table_index);
  // Bounds check of a table index against its TableView; returns the
  // element's address.
  llvm::Value* TableElement(llvm::Value* view, llvm::Value* index);
  // `element`, loaded from slot `index` of table `table_index`, or when it
  // is 0 what the runtime resolves there: a lazily filled table's 0 may be
  // an element not made yet. The call is on a cold path; an i64 result.
  llvm::Value* ResolveLazyElement(uint32_t table_index, llvm::Value* index,
                                  llvm::Value* element);

  // --- shared helpers (ir_translator.cc) ---
  llvm::Value* Pop() {
    llvm::Value* value = stack_.back();
    stack_.pop_back();
    return value;
  }
  void Push(llvm::Value* value) { stack_.push_back(value); }
  llvm::Value* Bool(llvm::Value* condition);  // i1 -> i32
  // Makes the memory loads that `value` is computed from (up to `depth`
  // instructions back) volatile, so dropping the value keeps their traps.
  void KeepLoads(llvm::Value* value, int depth);
  // A load of vmctx at `offset`, hoisted into the entry block and marked
  // !invariant.load: fields that never change while the instance lives.
  llvm::Value* InvariantField(size_t offset, llvm::Type* type);
  llvm::LoadInst* LoadInvariant(llvm::Type* type, llvm::Value* address);
  llvm::Value* FieldAddress(llvm::Value* base, size_t offset);
  // Calls the RuntimeHelpers entry at `offset`.
  enum class HelperCallSite { kHot, kCold };
  llvm::Value* CallHelper(size_t offset, llvm::Type* result,
                          std::initializer_list<llvm::Value*> args,
                          HelperCallSite call_site = HelperCallSite::kHot);
  // Branches to the shared cold trap block of `kind` when `condition` holds.
  void TrapIf(llvm::Value* condition, TrapKind kind);
  // Traps with a TrapKind returned by a helper unless it is zero.
  void TrapUnlessZero(llvm::Value* trap_kind);
  void TrapAtIndexIf(llvm::Value* condition, TrapKind kind, llvm::Value* index);
  llvm::BasicBlock* TrapBlock(TrapKind kind);
  void BranchUnlikely(llvm::Value* condition, llvm::BasicBlock* unlikely,
                      llvm::BasicBlock* likely);
  llvm::Value* ToSlot(llvm::Value* value, ValType type);     // raw bits in i64
  llvm::Value* FromSlot(llvm::Value* slot, ValType type);

  ModuleEnv& env_;
  const Module& module_;
  const FunctionBody& body_;
  const FuncType& type_;
  llvm::Function* function_;
  llvm::IRBuilder<> builder_;
  llvm::IRBuilder<> entry_builder_;  // before the entry block's terminator
  llvm::Value* vmctx_ = nullptr;

  std::vector<llvm::AllocaInst*> locals_;
  std::vector<bool> read_locals_;  // local.get appears somewhere in the body
  std::vector<ValType> local_types_;
  std::vector<llvm::Value*> stack_;
  std::vector<Frame> frames_;
  bool unreachable_ = false;     // the current code cannot run
  uint32_t dead_depth_ = 0;      // blocks opened inside unreachable code

  std::unordered_map<size_t, llvm::Value*> invariant_fields_;
  std::unordered_map<uint32_t, llvm::Value*> global_cells_;
  std::array<llvm::BasicBlock*, 32> trap_blocks_{};
  llvm::BasicBlock* dynamic_trap_ = nullptr;  // traps with a helper's TrapKind
  llvm::BasicBlock* limit_reached_ = nullptr;  // calls helpers->stack_limit_reached
  llvm::PHINode* dynamic_trap_kind_ = nullptr;
  llvm::MDNode* unlikely_weights_ = nullptr;
  llvm::MDNode* linear_memory_access_ = nullptr;  // TBAA tags (see the constructor)
  llvm::MDNode* vmctx_access_ = nullptr;
};

}  // namespace spindle::aot
