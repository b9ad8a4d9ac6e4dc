// Function objects and the host-function calling convention.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/binary/types.h"
#include "engine/rt/trap.h"

namespace spindle {

class Instance;
class Memory;
class Store;
struct CodeSlot;
struct HostFunction;

// A callable function: either a wasm function of an instance or a host
// function. A funcref is a Function* (0 is null).
struct Function {
  const FuncType* type = nullptr;    // canonical (Engine::InternType)
  Instance* instance = nullptr;      // wasm functions only
  CodeSlot* code = nullptr;          // wasm functions only
  const HostFunction* host = nullptr;  // host functions only
  // Machine code of this function when its instance runs on the LLVM tier
  // (engine/native/abi.h); compiled call_indirect jumps straight to it.
  const void* native_code = nullptr;

  bool is_host() const { return host != nullptr; }
};

// What a host function sees of its caller.
class Caller {
 public:
  Caller(Store& store, Instance* instance) : store_(store), instance_(instance) {}

  Store& store() const { return store_; }
  // The calling instance; null when the host itself made the call.
  Instance* instance() const { return instance_; }
  // Memory 0 of the calling instance, or null.
  Memory* memory() const;

  // Ends the call with a trap. The host function should return right after;
  // its results are ignored.
  void Trap(TrapKind kind, std::string message = {}) {
    trap_ = kind;
    message_ = std::move(message);
  }
  // Ends the guest with an exit status (WASI proc_exit).
  void Exit(int32_t code) {
    trap_ = TrapKind::kExit;
    exit_code_ = code;
  }

  TrapKind trap() const { return trap_; }
  const std::string& message() const { return message_; }
  int32_t exit_code() const { return exit_code_; }

 private:
  Store& store_;
  Instance* instance_;
  TrapKind trap_ = TrapKind::kNone;
  int32_t exit_code_ = 0;
  std::string message_;
};

// The uniform host calling convention: arguments arrive in slots[0..params),
// results are written to slots[0..results). Typed C++ callables are adapted
// to it by WrapFunction (host_function.h).
using HostCallback = void (*)(void* env, Caller& caller, uint64_t* slots);

struct HostFunction {
  // Compiled code calls this directly with its arguments in registers
  // (engine/rt/native_abi.h); null when the signature has none (several
  // results). Must stay the first member.
  const void* typed_entry = nullptr;
  HostCallback callback = nullptr;
  void* env = nullptr;
  std::shared_ptr<void> env_owner;  // keeps `env` alive
  std::string debug_name;
  Function function;  // this host function as a funcref
};

}  // namespace spindle
