#include "engine/llvm/module_translator.h"

#include "engine/llvm/ir_translator.h"
#include "engine/llvm/symbols.h"

namespace spindle::aot {

ModuleEnv::ModuleEnv(const Module& module, llvm::Module& llvm_module,
                     const TargetDescription& target)
    : module_(module),
      llvm_module_(llvm_module),
      context_(llvm_module.getContext()),
      target_(target),
      functions_(module.num_functions(), nullptr) {
  i1 = llvm::Type::getInt1Ty(context_);
  i8 = llvm::Type::getInt8Ty(context_);
  i32 = llvm::Type::getInt32Ty(context_);
  i64 = llvm::Type::getInt64Ty(context_);
  f32 = llvm::Type::getFloatTy(context_);
  f64 = llvm::Type::getDoubleTy(context_);
  ptr = llvm::PointerType::getUnqual(context_);
  void_type = llvm::Type::getVoidTy(context_);
}

llvm::Type* ModuleEnv::TypeOf(ValType type) const {
  switch (type) {
    case ValType::kI32:
      return i32;
    case ValType::kF32:
      return f32;
    case ValType::kF64:
      return f64;
    default:  // i64, funcref, externref (v128 never validates)
      return i64;
  }
}

llvm::Type* ModuleEnv::ResultType(const std::vector<ValType>& results) const {
  if (results.empty()) return void_type;
  if (results.size() == 1) return TypeOf(results[0]);
  std::vector<llvm::Type*> members;
  for (ValType type : results) members.push_back(TypeOf(type));
  return llvm::StructType::get(context_, members);
}

llvm::FunctionType* ModuleEnv::WasmFunctionType(const FuncType& type) const {
  std::vector<llvm::Type*> params{ptr};
  for (ValType param : type.params) params.push_back(TypeOf(param));
  return llvm::FunctionType::get(ResultType(type.results), params, false);
}

llvm::Function* ModuleEnv::WasmFunction(uint32_t function_index) {
  llvm::Function*& function = functions_[function_index];
  if (!function) {
    function = llvm::Function::Create(WasmFunctionType(module_.FunctionType(function_index)),
                                      llvm::GlobalValue::ExternalLinkage,
                                      FunctionSymbol(function_index), llvm_module_);
    ApplyFunctionAttributes(function);
  }
  return function;
}

void ModuleEnv::ApplyFunctionAttributes(llvm::Function* function) const {
  // Hidden and dso_local: calls between partitions become PC-relative
  // without a PLT or GOT, which the object linker relies on.
  function->setVisibility(llvm::GlobalValue::HiddenVisibility);
  function->setDSOLocal(true);
  function->addFnAttr(llvm::Attribute::NoUnwind);
  // Together with the TargetLibraryInfo the pipeline gets, this keeps loops
  // from becoming memset/memcpy calls that the blob could not resolve.
  function->addFnAttr("no-builtins");
  function->addFnAttr("target-cpu", target_.cpu);
  function->addFnAttr("target-features", target_.features);
}

llvm::Value* ModuleEnv::ToSlot(llvm::IRBuilder<>& builder, llvm::Value* value,
                               ValType type) const {
  switch (type) {
    case ValType::kI32:
      return builder.CreateZExt(value, i64);
    case ValType::kF32:
      return builder.CreateZExt(builder.CreateBitCast(value, i32), i64);
    case ValType::kF64:
      return builder.CreateBitCast(value, i64);
    default:
      return value;
  }
}

llvm::Value* ModuleEnv::FromSlot(llvm::IRBuilder<>& builder, llvm::Value* slot,
                                 ValType type) const {
  switch (type) {
    case ValType::kI32:
      return builder.CreateTrunc(slot, i32);
    case ValType::kF32:
      return builder.CreateBitCast(builder.CreateTrunc(slot, i32), f32);
    case ValType::kF64:
      return builder.CreateBitCast(slot, f64);
    default:
      return slot;
  }
}

namespace {

// void entry_T(const void* function_code, VmContext* vmctx, uint64_t* slots)
void EmitEntryThunk(ModuleEnv& env, uint32_t type_index) {
  const FuncType& type = env.module().types[type_index];
  llvm::FunctionType* thunk_type =
      llvm::FunctionType::get(env.void_type, {env.ptr, env.ptr, env.ptr}, false);
  llvm::Function* thunk =
      llvm::Function::Create(thunk_type, llvm::GlobalValue::ExternalLinkage,
                             EntrySymbol(type_index), env.llvm_module());
  env.ApplyFunctionAttributes(thunk);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(env.context(), "entry", thunk));
  llvm::Value* code = thunk->getArg(0);
  llvm::Value* slots = thunk->getArg(2);

  std::vector<llvm::Value*> args{thunk->getArg(1)};
  for (size_t i = 0; i < type.params.size(); ++i) {
    llvm::Value* slot =
        builder.CreateLoad(env.i64, builder.CreateConstInBoundsGEP1_64(env.i64, slots, i));
    args.push_back(env.FromSlot(builder, slot, type.params[i]));
  }
  llvm::Value* result = builder.CreateCall(env.WasmFunctionType(type), code, args);
  for (size_t i = 0; i < type.results.size(); ++i) {
    llvm::Value* value = type.results.size() == 1
                             ? result
                             : builder.CreateExtractValue(result, unsigned(i));
    builder.CreateStore(env.ToSlot(builder, value, type.results[i]),
                        builder.CreateConstInBoundsGEP1_64(env.i64, slots, i));
  }
  builder.CreateRetVoid();
}

}  // namespace

Status TranslatePartition(const Module& module, const Partition& partition,
                          const TargetDescription& target, llvm::Module& out) {
  ModuleEnv env(module, out, target);
  for (uint32_t defined_index : partition.defined_functions) {
    FunctionTranslator translator(env, defined_index);
    Status status = translator.Translate();
    if (!status.ok()) {
      Error error = std::move(status).error();
      error.function_index = module.num_imported_functions + defined_index;
      return error;
    }
  }
  if (partition.has_entry_thunks) {
    for (uint32_t type_index = 0; type_index < module.types.size(); ++type_index) {
      EmitEntryThunk(env, type_index);
    }
  }
  return Ok();
}

}  // namespace spindle::aot
