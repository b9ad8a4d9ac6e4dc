// Frame, control flow, calls and variables of the wasm -> LLVM IR translator.
//
// Code after br, br_table, return and unreachable is never emitted: once the
// current block ends, instructions are skipped (counting nested blocks)
// until the `else` or `end` of the innermost open frame. A continuation
// block that no branch reaches is dropped, which makes the code after it
// dead in turn.
#include "engine/llvm/ir_translator.h"

#include <algorithm>

#include <llvm/IR/CFG.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

#include "engine/llvm/loop_passes.h"
#include "engine/rt/native_abi.h"

namespace spindle::aot {
namespace {

using native::RuntimeHelpers;
using native::VmContext;

constexpr size_t kHelperTrap = offsetof(RuntimeHelpers, trap);
constexpr size_t kHelperTrapAtIndex = offsetof(RuntimeHelpers, trap_at_index);
constexpr size_t kHelperCallFunction = offsetof(RuntimeHelpers, call_function);
constexpr size_t kHelperStackLimitReached = offsetof(RuntimeHelpers, stack_limit_reached);
constexpr size_t kVmInstance = offsetof(VmContext, instance);

std::vector<ValType> BlockParams(const Module& module, const BlockType& block) {
  if (block.kind != BlockType::Kind::kIndex) return {};
  return module.types[block.type_index].params;
}

std::vector<ValType> BlockResults(const Module& module, const BlockType& block) {
  switch (block.kind) {
    case BlockType::Kind::kEmpty:
      return {};
    case BlockType::Kind::kValue:
      return {block.value};
    case BlockType::Kind::kIndex:
      return module.types[block.type_index].results;
  }
  return {};
}

}  // namespace

FunctionTranslator::FunctionTranslator(ModuleEnv& env, uint32_t defined_index)
    : env_(env),
      module_(env.module()),
      body_(module_.functions[defined_index]),
      type_(module_.types[body_.type_index]),
      function_(env.WasmFunction(module_.num_imported_functions + defined_index)),
      builder_(env.context()),
      entry_builder_(env.context()) {
  llvm::MDBuilder metadata(env.context());
  unlikely_weights_ = metadata.createBranchWeights(1, 1u << 20);
  // Linear memory and the VmContext never overlap: telling LLVM so lets it
  // keep the epoch deadline in a register across a loop's memory stores.
  llvm::MDNode* root = metadata.createTBAARoot("spindle");
  llvm::MDNode* memory_type = metadata.createTBAAScalarTypeNode(kLinearMemoryTbaaName, root);
  llvm::MDNode* vmctx_type = metadata.createTBAAScalarTypeNode("VmContext field", root);
  linear_memory_access_ = metadata.createTBAAStructTagNode(memory_type, memory_type, 0);
  vmctx_access_ = metadata.createTBAAStructTagNode(vmctx_type, vmctx_type, 0);
}

Status FunctionTranslator::Translate() {
  FindReadLocals();
  EmitPrologue();
  ByteReader reader(body_.code.data(), body_.code.data() + body_.code.size(),
                    body_.code_offset);
  InstrReader instrs(reader);
  Instr instr;
  while (!frames_.empty()) {
    if (!instrs.Next(instr)) return Status(reader.error());
    if (unreachable_) {
      EmitDeadInstruction(instr);
      continue;
    }
    SPINDLE_TRY(EmitInstruction(instr, instrs));
  }
  return Ok();
}

void FunctionTranslator::FindReadLocals() {
  read_locals_.assign(type_.params.size() + body_.local_count, false);
  ByteReader reader(body_.code.data(), body_.code.data() + body_.code.size(), body_.code_offset);
  InstrReader instrs(reader);
  Instr instr;
  // The body was validated, so reading cannot fail before its end.
  while (!reader.AtEnd() && instrs.Next(instr)) {
    if (instr.op == Opcode::kLocalGet && instr.index < read_locals_.size()) {
      read_locals_[instr.index] = true;
    }
  }
}

void FunctionTranslator::EmitPrologue() {
  llvm::LLVMContext& context = env_.context();
  llvm::BasicBlock* entry = llvm::BasicBlock::Create(context, "entry", function_);
  llvm::BasicBlock* body = llvm::BasicBlock::Create(context, "body", function_);
  builder_.SetInsertPoint(entry);
  entry_builder_.SetInsertPoint(builder_.CreateBr(body));
  vmctx_ = function_->getArg(0);

  for (size_t i = 0; i < type_.params.size(); ++i) {
    local_types_.push_back(type_.params[i]);
    locals_.push_back(entry_builder_.CreateAlloca(env_.TypeOf(type_.params[i])));
    entry_builder_.CreateStore(function_->getArg(unsigned(i + 1)), locals_.back());
  }
  for (const LocalGroup& group : body_.locals) {
    llvm::Type* type = env_.TypeOf(group.type);
    for (uint32_t i = 0; i < group.count; ++i) {
      local_types_.push_back(group.type);
      locals_.push_back(entry_builder_.CreateAlloca(type));
      entry_builder_.CreateStore(llvm::Constant::getNullValue(type), locals_.back());
    }
  }

  builder_.SetInsertPoint(body);
  EmitLimitCheck();

  Frame frame;
  frame.kind = FrameKind::kFunction;
  frame.results = type_.results;
  frame.end = NewBlock("return");
  for (ValType type : frame.results) {
    frame.end_phis.push_back(llvm::PHINode::Create(env_.TypeOf(type), 2, "", frame.end));
  }
  frame.label = frame.end;
  frame.label_phis = frame.end_phis;
  frames_.push_back(std::move(frame));
}

Status FunctionTranslator::EmitInstruction(const Instr& instr, InstrReader& reader) {
  switch (instr.op) {
    case Opcode::kUnreachable:
      builder_.CreateBr(TrapBlock(TrapKind::kUnreachable));
      BecomeUnreachable();
      return Ok();
    case Opcode::kNop:
      return Ok();
    case Opcode::kBlock:
      PushFrame(FrameKind::kBlock, instr.block);
      return Ok();
    case Opcode::kLoop:
      PushFrame(FrameKind::kLoop, instr.block);
      return Ok();
    case Opcode::kIf:
      PushFrame(FrameKind::kIf, instr.block);
      return Ok();
    case Opcode::kElse:
      EmitElse();
      return Ok();
    case Opcode::kEnd:
      EmitEnd();
      return Ok();
    case Opcode::kBr:
      EmitBranch(instr.index);
      return Ok();
    case Opcode::kBrIf:
      EmitBranchIf(instr.index);
      return Ok();
    case Opcode::kBrTable: {
      const std::vector<uint32_t>& targets = reader.br_targets();
      EmitBranchTable(targets.back(), std::vector<uint32_t>(targets.begin(), targets.end() - 1));
      return Ok();
    }
    case Opcode::kReturn:
      EmitReturn();
      return Ok();
    case Opcode::kCall:
      EmitCall(instr.index);
      return Ok();
    case Opcode::kCallIndirect:
      EmitCallIndirect(instr.index, instr.index2);
      return Ok();
    case Opcode::kDrop:
      KeepLoads(Pop(), 4);
      return Ok();
    case Opcode::kSelect:
    case Opcode::kSelectT: {
      llvm::Value* condition = builder_.CreateICmpNE(Pop(), builder_.getInt32(0));
      llvm::Value* if_false = Pop();
      llvm::Value* if_true = Pop();
      Push(builder_.CreateSelect(condition, if_true, if_false));
      return Ok();
    }
    case Opcode::kLocalGet:
      Push(builder_.CreateLoad(env_.TypeOf(local_types_[instr.index]), locals_[instr.index]));
      return Ok();
    case Opcode::kLocalSet:
      // A value stored in a local nobody reads is as dead as a dropped one.
      if (!read_locals_[instr.index]) KeepLoads(stack_.back(), 4);
      builder_.CreateStore(Pop(), locals_[instr.index]);
      return Ok();
    case Opcode::kLocalTee:
      builder_.CreateStore(stack_.back(), locals_[instr.index]);
      return Ok();
    case Opcode::kGlobalGet:
      EmitGlobalGet(instr.index);
      return Ok();
    case Opcode::kGlobalSet:
      EmitGlobalSet(instr.index);
      return Ok();
    default:
      break;
  }
  if (EmitNumeric(instr) || EmitConversion(instr) || EmitMemory(instr) ||
      EmitTableOrReference(instr)) {
    return Ok();
  }
  return MakeError(Phase::kValidate,
                   std::string("the LLVM tier does not support ") + OpcodeText(instr.op),
                   instr.offset);
}

void FunctionTranslator::EmitDeadInstruction(const Instr& instr) {
  switch (instr.op) {
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf:
      ++dead_depth_;
      return;
    case Opcode::kElse:
      if (dead_depth_ == 0) EmitElse();
      return;
    case Opcode::kEnd:
      if (dead_depth_ > 0) {
        --dead_depth_;
      } else {
        EmitEnd();
      }
      return;
    default:
      return;
  }
}

void FunctionTranslator::PushFrame(FrameKind kind, const BlockType& block_type) {
  llvm::Value* condition = nullptr;
  if (kind == FrameKind::kIf) condition = builder_.CreateICmpNE(Pop(), builder_.getInt32(0));

  Frame frame;
  frame.kind = kind;
  frame.params = BlockParams(module_, block_type);
  frame.results = BlockResults(module_, block_type);
  frame.height = stack_.size() - frame.params.size();
  frame.end = NewBlock(kind == FrameKind::kLoop ? "loop.end" : "block.end");
  for (ValType type : frame.results) {
    frame.end_phis.push_back(llvm::PHINode::Create(env_.TypeOf(type), 2, "", frame.end));
  }

  switch (kind) {
    case FrameKind::kBlock:
    case FrameKind::kFunction:
      frame.label = frame.end;
      frame.label_phis = frame.end_phis;
      break;
    case FrameKind::kLoop: {
      frame.label = NewBlock("loop");
      for (ValType type : frame.params) {
        frame.label_phis.push_back(
            llvm::PHINode::Create(env_.TypeOf(type), 2, "", frame.label));
      }
      AddBranchIncoming(frame);
      builder_.CreateBr(frame.label);
      StartBlock(frame.label);
      stack_.resize(frame.height);
      for (llvm::PHINode* phi : frame.label_phis) Push(phi);
      frames_.push_back(std::move(frame));
      EmitLimitCheck();
      return;
    }
    case FrameKind::kIf: {
      frame.label = frame.end;
      frame.label_phis = frame.end_phis;
      frame.if_params.assign(stack_.begin() + ptrdiff_t(frame.height), stack_.end());
      frame.else_block = NewBlock("else");
      llvm::BasicBlock* then_block = NewBlock("then");
      builder_.CreateCondBr(condition, then_block, frame.else_block);
      StartBlock(then_block);
      break;
    }
  }
  frames_.push_back(std::move(frame));
}

void FunctionTranslator::EmitElse() {
  Frame& frame = frames_.back();
  if (!unreachable_) {
    AddBranchIncoming(frame);
    builder_.CreateBr(frame.end);
  }
  unreachable_ = false;
  stack_.resize(frame.height);
  PushValues(frame.if_params);
  frame.else_seen = true;
  StartBlock(frame.else_block);
}

void FunctionTranslator::EmitEnd() {
  Frame frame = std::move(frames_.back());
  frames_.pop_back();
  auto add_end_incoming = [&] {
    llvm::BasicBlock* from = builder_.GetInsertBlock();
    const size_t count = frame.end_phis.size();
    for (size_t i = 0; i < count; ++i) {
      frame.end_phis[i]->addIncoming(stack_[stack_.size() - count + i], from);
    }
    builder_.CreateBr(frame.end);
  };
  if (!unreachable_) add_end_incoming();
  if (frame.kind == FrameKind::kIf && !frame.else_seen) {
    // No `else`: the false edge passes the params through as the results.
    StartBlock(frame.else_block);
    stack_.resize(frame.height);
    PushValues(frame.if_params);
    add_end_incoming();
  }
  stack_.resize(frame.height);

  if (llvm::pred_empty(frame.end)) {
    delete frame.end;  // never inserted; its phis have no users
    unreachable_ = true;
    dead_depth_ = 0;
    return;
  }
  StartBlock(frame.end);
  unreachable_ = false;
  for (llvm::PHINode* phi : frame.end_phis) Push(phi);
  if (frame.kind != FrameKind::kFunction) return;

  if (frame.results.empty()) {
    builder_.CreateRetVoid();
  } else if (frame.results.size() == 1) {
    builder_.CreateRet(Pop());
  } else {
    llvm::Value* aggregate = llvm::PoisonValue::get(function_->getReturnType());
    for (size_t i = 0; i < frame.results.size(); ++i) {
      aggregate = builder_.CreateInsertValue(aggregate, frame.end_phis[i], unsigned(i));
    }
    builder_.CreateRet(aggregate);
  }
  stack_.clear();
}

void FunctionTranslator::AddBranchIncoming(Frame& frame) {
  llvm::BasicBlock* from = builder_.GetInsertBlock();
  const size_t count = frame.label_phis.size();
  for (size_t i = 0; i < count; ++i) {
    frame.label_phis[i]->addIncoming(stack_[stack_.size() - count + i], from);
  }
}

void FunctionTranslator::EmitBranch(uint32_t depth) {
  Frame& target = frames_[frames_.size() - 1 - depth];
  AddBranchIncoming(target);
  builder_.CreateBr(target.label);
  BecomeUnreachable();
}

void FunctionTranslator::EmitBranchIf(uint32_t depth) {
  llvm::Value* condition = builder_.CreateICmpNE(Pop(), builder_.getInt32(0));
  Frame& target = frames_[frames_.size() - 1 - depth];
  AddBranchIncoming(target);
  llvm::BasicBlock* next = NewBlock("br_if.next");
  builder_.CreateCondBr(condition, target.label, next);
  StartBlock(next);
}

void FunctionTranslator::EmitBranchTable(uint32_t default_depth,
                                         const std::vector<uint32_t>& targets) {
  llvm::Value* index = Pop();
  Frame& default_target = frames_[frames_.size() - 1 - default_depth];
  llvm::SwitchInst* switch_inst =
      builder_.CreateSwitch(index, default_target.label, unsigned(targets.size()));
  // A phi needs one entry per edge, so repeated targets add repeated entries.
  AddBranchIncoming(default_target);
  for (size_t i = 0; i < targets.size(); ++i) {
    Frame& target = frames_[frames_.size() - 1 - targets[i]];
    switch_inst->addCase(builder_.getInt32(uint32_t(i)), target.label);
    AddBranchIncoming(target);
  }
  BecomeUnreachable();
}

void FunctionTranslator::EmitReturn() { EmitBranch(uint32_t(frames_.size() - 1)); }

void FunctionTranslator::BecomeUnreachable() {
  stack_.resize(frames_.back().height);
  unreachable_ = true;
  dead_depth_ = 0;
}

// One compare covers the stack limit and interruption: the runtime stores
// kInterruptRequested into the limit to interrupt (native_abi.h), as V8
// does with its stack guard. Atomic, so that LLVM reloads it every time.
// The helper decides which trap it is and never returns, so the check costs
// no registers: like every trap, it leaves the function.
void FunctionTranslator::EmitLimitCheck() {
  llvm::LLVMContext& context = env_.context();
  llvm::Metadata* rsp = llvm::MDString::get(context, "rsp");
  llvm::Value* stack_pointer = builder_.CreateIntrinsic(
      llvm::Intrinsic::read_register, {env_.i64},
      {llvm::MetadataAsValue::get(context, llvm::MDNode::get(context, {rsp}))});
  llvm::LoadInst* limit = builder_.CreateAlignedLoad(
      env_.i64, FieldAddress(vmctx_, native::kVmStackLimit), llvm::Align(8));
  limit->setAtomic(llvm::AtomicOrdering::Monotonic);
  limit->setMetadata(context.getMDKindID(kEpochCheckMetadata), llvm::MDNode::get(context, {}));
  if (!limit_reached_) {
    limit_reached_ = llvm::BasicBlock::Create(context, "limit.reached", function_);
    llvm::IRBuilderBase::InsertPointGuard guard(builder_);
    builder_.SetInsertPoint(limit_reached_);
    auto* call = llvm::cast<llvm::CallInst>(
        CallHelper(kHelperStackLimitReached, env_.void_type, {vmctx_}, HelperCallSite::kCold));
    call->setDoesNotReturn();
    call->setCannotMerge();
    builder_.CreateUnreachable();
  }
  llvm::BasicBlock* next = NewBlock("ok");
  BranchUnlikely(builder_.CreateICmpULT(stack_pointer, limit), limit_reached_, next);
  StartBlock(next);
}

llvm::BasicBlock* FunctionTranslator::NewBlock(const char* name) {
  return llvm::BasicBlock::Create(env_.context(), name);
}

void FunctionTranslator::StartBlock(llvm::BasicBlock* block) {
  block->insertInto(function_);
  builder_.SetInsertPoint(block);
}

// --- calls ---

std::vector<llvm::Value*> FunctionTranslator::PopArguments(const FuncType& type) {
  std::vector<llvm::Value*> args(stack_.end() - ptrdiff_t(type.params.size()), stack_.end());
  stack_.resize(stack_.size() - type.params.size());
  return args;
}

std::vector<llvm::Value*> FunctionTranslator::UnpackResults(llvm::Value* result,
                                                            const FuncType& type) {
  if (type.results.empty()) return {};
  if (type.results.size() == 1) return {result};
  std::vector<llvm::Value*> values;
  for (size_t i = 0; i < type.results.size(); ++i) {
    values.push_back(builder_.CreateExtractValue(result, unsigned(i)));
  }
  return values;
}

void FunctionTranslator::PushValues(const std::vector<llvm::Value*>& values) {
  stack_.insert(stack_.end(), values.begin(), values.end());
}

void FunctionTranslator::EmitCall(uint32_t function_index) {
  const FuncType& type = module_.FunctionType(function_index);
  std::vector<llvm::Value*> args = PopArguments(type);
  if (function_index < module_.num_imported_functions) {
    llvm::Value* functions = InvariantField(native::kVmFunctions, env_.ptr);
    llvm::Value* callee = LoadInvariant(
        env_.ptr, builder_.CreateConstInBoundsGEP1_64(env_.ptr, functions, function_index));
    PushValues(type.results.size() <= 1 ? EmitImportCall(callee, type, args)
                                        : EmitSlotCall(callee, type, args));
    return;
  }
  args.insert(args.begin(), vmctx_);
  llvm::CallInst* call = builder_.CreateCall(env_.WasmFunction(function_index), args);
  PushValues(UnpackResults(call, type));
}

void FunctionTranslator::EmitCallIndirect(uint32_t type_index, uint32_t table_index) {
  const FuncType& type = module_.types[type_index];
  llvm::Value* index = Pop();
  std::vector<llvm::Value*> args = PopArguments(type);

  llvm::Value* view = TableView(table_index);
  llvm::Value* size =
      builder_.CreateLoad(env_.i64, FieldAddress(view, offsetof(native::TableView, size)));
  llvm::Value* index64 = builder_.CreateZExt(index, env_.i64);
  TrapAtIndexIf(builder_.CreateICmpUGE(index64, size), TrapKind::kUndefinedElement, index);
  llvm::Value* elements = builder_.CreateLoad(
      env_.ptr, FieldAddress(view, offsetof(native::TableView, elements)));
  llvm::Value* element =
      builder_.CreateLoad(env_.i64, builder_.CreateInBoundsGEP(env_.i64, elements, index64));
  // A 0 is a null or an element of a lazily filled table not made yet: the
  // cold path asks the runtime, then traps if it really is null.
  llvm::Value* resolved = ResolveLazyElement(table_index, index, element);
  TrapAtIndexIf(builder_.CreateICmpEQ(resolved, builder_.getInt64(0)),
                TrapKind::kUninitializedElement, index);
  llvm::Value* callee = builder_.CreateIntToPtr(resolved, env_.ptr);

  // Canonical types make the signature check one pointer comparison.
  llvm::Value* types = InvariantField(native::kVmTypes, env_.ptr);
  llvm::Value* expected_type =
      LoadInvariant(env_.ptr, builder_.CreateConstInBoundsGEP1_64(env_.ptr, types, type_index));
  llvm::Value* actual_type =
      builder_.CreateLoad(env_.ptr, FieldAddress(callee, native::kFunctionTypeOffset));
  TrapIf(builder_.CreateICmpNE(actual_type, expected_type),
         TrapKind::kIndirectCallTypeMismatch);

  // Compiled code of this same instance takes our vmctx; anything else
  // (host, interpreter, another instance) goes through the runtime.
  llvm::Value* code =
      builder_.CreateLoad(env_.ptr, FieldAddress(callee, native::kFunctionNativeCodeOffset));
  llvm::Value* instance =
      builder_.CreateLoad(env_.ptr, FieldAddress(callee, native::kFunctionInstanceOffset));
  llvm::Value* is_direct = builder_.CreateAnd(
      builder_.CreateIsNotNull(code),
      builder_.CreateICmpEQ(instance, InvariantField(kVmInstance, env_.ptr)));
  llvm::BasicBlock* direct_block = NewBlock("call.direct");
  llvm::BasicBlock* slow_block = NewBlock("call.runtime");
  llvm::BasicBlock* join_block = NewBlock("call.join");
  builder_.CreateCondBr(is_direct, direct_block, slow_block);

  StartBlock(direct_block);
  std::vector<llvm::Value*> direct_args = args;
  direct_args.insert(direct_args.begin(), vmctx_);
  llvm::CallInst* call =
      builder_.CreateCall(env_.WasmFunctionType(type), code, direct_args);
  PushValues(
      JoinWithSlotCall(UnpackResults(call, type), slow_block, join_block, callee, type, args));
}

std::vector<llvm::Value*> FunctionTranslator::EmitImportCall(
    llvm::Value* callee, const FuncType& type, const std::vector<llvm::Value*>& args) {
  // A host function with a typed entry takes the arguments in registers;
  // anything else (a wasm export of another instance, a host function
  // without one) goes through the runtime with slots.
  llvm::Value* host =
      builder_.CreateLoad(env_.ptr, FieldAddress(callee, native::kFunctionHostOffset));
  llvm::BasicBlock* host_block = NewBlock("import.host");
  llvm::BasicBlock* typed_block = NewBlock("import.typed");
  llvm::BasicBlock* slow_block = NewBlock("import.runtime");
  llvm::BasicBlock* join_block = NewBlock("import.join");
  builder_.CreateCondBr(builder_.CreateIsNotNull(host), host_block, slow_block);

  StartBlock(host_block);
  llvm::Value* entry =
      builder_.CreateLoad(env_.ptr, FieldAddress(host, native::kHostTypedEntryOffset));
  builder_.CreateCondBr(builder_.CreateIsNotNull(entry), typed_block, slow_block);

  StartBlock(typed_block);
  std::vector<llvm::Type*> params = {env_.ptr, env_.ptr};
  for (ValType param : type.params) params.push_back(env_.TypeOf(param));
  llvm::Type* result_type =
      type.results.empty() ? env_.void_type : env_.TypeOf(type.results[0]);
  std::vector<llvm::Value*> call_args = {host, vmctx_};
  call_args.insert(call_args.end(), args.begin(), args.end());
  llvm::CallInst* call = builder_.CreateCall(
      llvm::FunctionType::get(result_type, params, false), entry, call_args);
  TrapUnlessZero(builder_.CreateLoad(env_.i32, FieldAddress(vmctx_, native::kVmHostTrap)));
  std::vector<llvm::Value*> typed_results;
  if (!type.results.empty()) typed_results.push_back(call);
  return JoinWithSlotCall(typed_results, slow_block, join_block, callee, type, args);
}

std::vector<llvm::Value*> FunctionTranslator::JoinWithSlotCall(
    const std::vector<llvm::Value*>& fast_results, llvm::BasicBlock* slow_block,
    llvm::BasicBlock* join_block, llvm::Value* callee, const FuncType& type,
    const std::vector<llvm::Value*>& args) {
  llvm::BasicBlock* fast_end = builder_.GetInsertBlock();
  builder_.CreateBr(join_block);
  StartBlock(slow_block);
  std::vector<llvm::Value*> slow_results = EmitSlotCall(callee, type, args);
  llvm::BasicBlock* slow_end = builder_.GetInsertBlock();
  builder_.CreateBr(join_block);
  StartBlock(join_block);
  std::vector<llvm::Value*> joined;
  for (size_t i = 0; i < type.results.size(); ++i) {
    llvm::PHINode* phi = builder_.CreatePHI(env_.TypeOf(type.results[i]), 2);
    phi->addIncoming(fast_results[i], fast_end);
    phi->addIncoming(slow_results[i], slow_end);
    joined.push_back(phi);
  }
  return joined;
}

std::vector<llvm::Value*> FunctionTranslator::EmitSlotCall(
    llvm::Value* callee, const FuncType& type, const std::vector<llvm::Value*>& args) {
  const size_t count = std::max<size_t>({type.params.size(), type.results.size(), 1});
  llvm::AllocaInst* slots =
      entry_builder_.CreateAlloca(llvm::ArrayType::get(env_.i64, count), nullptr, "slots");
  slots->setAlignment(llvm::Align(8));
  builder_.CreateLifetimeStart(slots, builder_.getInt64(count * 8));
  for (size_t i = 0; i < args.size(); ++i) {
    builder_.CreateStore(ToSlot(args[i], type.params[i]),
                         builder_.CreateConstInBoundsGEP1_64(env_.i64, slots, i));
  }
  TrapUnlessZero(CallHelper(kHelperCallFunction, env_.i32, {vmctx_, callee, slots}));
  std::vector<llvm::Value*> results;
  for (size_t i = 0; i < type.results.size(); ++i) {
    llvm::Value* slot = builder_.CreateLoad(
        env_.i64, builder_.CreateConstInBoundsGEP1_64(env_.i64, slots, i));
    results.push_back(FromSlot(slot, type.results[i]));
  }
  builder_.CreateLifetimeEnd(slots, builder_.getInt64(count * 8));
  return results;
}

// --- shared helpers ---

void FunctionTranslator::KeepLoads(llvm::Value* value, int depth) {
  // LLVM deletes a load whose value nobody uses, but an out-of-bounds wasm
  // load must trap even when its result is dropped. Loads feeding a dropped
  // value become volatile; everything else stays optimizable.
  auto* instruction = llvm::dyn_cast<llvm::Instruction>(value);
  if (!instruction || depth == 0) return;
  if (auto* load = llvm::dyn_cast<llvm::LoadInst>(instruction)) {
    // Locals (allocas) must stay promotable; they cannot trap anyway.
    if (!llvm::isa<llvm::AllocaInst>(load->getPointerOperand()) &&
        !load->getMetadata(llvm::LLVMContext::MD_invariant_load) && !load->isAtomic()) {
      load->setVolatile(true);
    }
    return;
  }
  for (llvm::Value* operand : instruction->operands()) KeepLoads(operand, depth - 1);
}

llvm::Value* FunctionTranslator::Bool(llvm::Value* condition) {
  return builder_.CreateZExt(condition, env_.i32);
}

llvm::Value* FunctionTranslator::FieldAddress(llvm::Value* base, size_t offset) {
  return builder_.CreateConstInBoundsGEP1_64(env_.i8, base, offset);
}

llvm::Value* FunctionTranslator::InvariantField(size_t offset, llvm::Type* type) {
  auto [it, inserted] = invariant_fields_.try_emplace(offset, nullptr);
  if (inserted) {
    llvm::Value* address = entry_builder_.CreateConstInBoundsGEP1_64(env_.i8, vmctx_, offset);
    llvm::LoadInst* load = entry_builder_.CreateLoad(type, address);
    load->setMetadata(llvm::LLVMContext::MD_invariant_load,
                      llvm::MDNode::get(env_.context(), {}));
    it->second = load;
  }
  return it->second;
}

llvm::LoadInst* FunctionTranslator::LoadInvariant(llvm::Type* type, llvm::Value* address) {
  llvm::LoadInst* load = builder_.CreateLoad(type, address);
  load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(env_.context(), {}));
  return load;
}

llvm::Value* FunctionTranslator::CallHelper(size_t offset, llvm::Type* result,
                                            std::initializer_list<llvm::Value*> args,
                                            HelperCallSite call_site) {
  std::vector<llvm::Type*> param_types;
  for (llvm::Value* arg : args) param_types.push_back(arg->getType());
  llvm::FunctionType* type = llvm::FunctionType::get(result, param_types, false);
  // A cold path (a trap) loads the helpers pointer where it runs: the entry
  // block's copy would stay live across every call in a callee-saved
  // register just for the traps.
  llvm::Value* helpers = call_site == HelperCallSite::kCold
                             ? LoadInvariant(env_.ptr, FieldAddress(vmctx_, native::kVmHelpers))
                             : InvariantField(native::kVmHelpers, env_.ptr);
  llvm::Value* target = LoadInvariant(env_.ptr, FieldAddress(helpers, offset));
  return builder_.CreateCall(type, target, args);
}

llvm::BasicBlock* FunctionTranslator::TrapBlock(TrapKind kind) {
  llvm::BasicBlock*& block = trap_blocks_[size_t(kind)];
  if (block) return block;
  block = llvm::BasicBlock::Create(env_.context(), "trap", function_);
  llvm::IRBuilderBase::InsertPointGuard guard(builder_);
  builder_.SetInsertPoint(block);
  auto* call = llvm::cast<llvm::CallInst>(
      CallHelper(kHelperTrap, env_.void_type, {vmctx_, builder_.getInt32(uint32_t(kind))},
                 HelperCallSite::kCold));
  call->setDoesNotReturn();
  call->setCannotMerge();  // keeps one call site per kind readable in backtraces
  builder_.CreateUnreachable();
  return block;
}

void FunctionTranslator::BranchUnlikely(llvm::Value* condition, llvm::BasicBlock* unlikely,
                                        llvm::BasicBlock* likely) {
  builder_.CreateCondBr(condition, unlikely, likely, unlikely_weights_);
}

void FunctionTranslator::TrapIf(llvm::Value* condition, TrapKind kind) {
  llvm::BasicBlock* next = NewBlock("ok");
  BranchUnlikely(condition, TrapBlock(kind), next);
  StartBlock(next);
}

void FunctionTranslator::TrapAtIndexIf(llvm::Value* condition, TrapKind kind,
                                       llvm::Value* index) {
  llvm::BasicBlock* trap = llvm::BasicBlock::Create(env_.context(), "trap.index", function_);
  llvm::BasicBlock* next = NewBlock("ok");
  BranchUnlikely(condition, trap, next);
  builder_.SetInsertPoint(trap);
  auto* call = llvm::cast<llvm::CallInst>(
      CallHelper(kHelperTrapAtIndex, env_.void_type,
                 {vmctx_, builder_.getInt32(uint32_t(kind)), index}, HelperCallSite::kCold));
  call->setDoesNotReturn();
  builder_.CreateUnreachable();
  StartBlock(next);
}

void FunctionTranslator::TrapUnlessZero(llvm::Value* trap_kind) {
  if (!dynamic_trap_) {
    dynamic_trap_ = llvm::BasicBlock::Create(env_.context(), "trap.helper", function_);
    llvm::IRBuilderBase::InsertPointGuard guard(builder_);
    builder_.SetInsertPoint(dynamic_trap_);
    dynamic_trap_kind_ = builder_.CreatePHI(env_.i32, 4);
    auto* call = llvm::cast<llvm::CallInst>(
        CallHelper(kHelperTrap, env_.void_type, {vmctx_, dynamic_trap_kind_},
                   HelperCallSite::kCold));
    call->setDoesNotReturn();
    builder_.CreateUnreachable();
  }
  dynamic_trap_kind_->addIncoming(trap_kind, builder_.GetInsertBlock());
  llvm::BasicBlock* next = NewBlock("ok");
  BranchUnlikely(builder_.CreateICmpNE(trap_kind, builder_.getInt32(0)), dynamic_trap_, next);
  StartBlock(next);
}

llvm::Value* FunctionTranslator::ToSlot(llvm::Value* value, ValType type) {
  return env_.ToSlot(builder_, value, type);
}

llvm::Value* FunctionTranslator::FromSlot(llvm::Value* slot, ValType type) {
  return env_.FromSlot(builder_, slot, type);
}

}  // namespace spindle::aot
