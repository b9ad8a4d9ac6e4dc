// What every function of one partition shares while it is translated to LLVM
// IR: the LLVM types of wasm values, the declarations of wasm functions, and
// the attributes every generated function carries. Internal to engine/llvm;
// only the files listed as LLVM sources in CMakeLists.txt include it.
#pragma once

#include <string>
#include <vector>

#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Type.h>

#include "engine/binary/module.h"

namespace spindle::aot {

struct TargetDescription {
  std::string triple;
  std::string cpu;       // sys::getHostCPUName()
  std::string features;  // "+sse4.1,-avx512f,..."
};

class ModuleEnv {
 public:
  ModuleEnv(const Module& module, llvm::Module& llvm_module, const TargetDescription& target);

  const Module& module() const { return module_; }
  llvm::Module& llvm_module() { return llvm_module_; }
  llvm::LLVMContext& context() { return context_; }

  // i32 -> i32, i64 -> i64, f32 -> float, f64 -> double, references -> i64.
  llvm::Type* TypeOf(ValType type) const;
  // void, the single type, or a literal struct of several.
  llvm::Type* ResultType(const std::vector<ValType>& results) const;
  // R (ptr vmctx, params...), the convention of native_abi.h.
  llvm::FunctionType* WasmFunctionType(const FuncType& type) const;

  // wasm_func_N for defined function N of the function index space: the
  // definition if this partition translates it, else a hidden declaration
  // that the object linker resolves. REQUIRES: N is not an import.
  llvm::Function* WasmFunction(uint32_t function_index);

  // A value as the raw bits of a uint64_t slot (native_abi.h), and back.
  llvm::Value* ToSlot(llvm::IRBuilder<>& builder, llvm::Value* value, ValType type) const;
  llvm::Value* FromSlot(llvm::IRBuilder<>& builder, llvm::Value* slot, ValType type) const;

  // nounwind, no unwind tables, no library-call synthesis, host CPU.
  void ApplyFunctionAttributes(llvm::Function* function) const;

  llvm::Type* i1;
  llvm::Type* i8;
  llvm::Type* i32;
  llvm::Type* i64;
  llvm::Type* f32;
  llvm::Type* f64;
  llvm::Type* ptr;
  llvm::Type* void_type;

 private:
  const Module& module_;
  llvm::Module& llvm_module_;
  llvm::LLVMContext& context_;
  const TargetDescription& target_;
  std::vector<llvm::Function*> functions_;  // by function index, created on demand
};

}  // namespace spindle::aot
