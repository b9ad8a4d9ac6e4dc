// Resolves a module's imports by name, once, into an InstancePre that can
// then be instantiated many times cheaply (no name lookups or type checks
// per instance).
//
//   Linker linker(engine);
//   linker.Func("env", "add", [](int32_t a, int32_t b) { return a + b; });
//   auto pre = linker.Prepare(module);        // type-checks every import
//   Store store(engine);
//   auto instance = (*pre)->Instantiate(store);
//
// Imports of memories, tables and globals name objects of one store; an
// InstancePre that uses them must be instantiated in that store.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/rt/compiled_module.h"
#include "engine/rt/host_function.h"
#include "engine/rt/instance.h"
#include "engine/rt/store.h"

namespace spindle {

class InstancePre {
 public:
  // Creates, initializes and starts an instance: element and data segments,
  // then the start function. A trap while initializing fails the call, but
  // writes to imported tables and memories stay, as the spec requires.
  Result<Instance*> Instantiate(Store& store) const;

  const CompiledModule& module() const { return *module_; }
  const std::shared_ptr<const CompiledModule>& shared_module() const { return module_; }

 private:
  friend class Linker;

  std::shared_ptr<const CompiledModule> module_;
  std::vector<Extern> imports_;
  // The function imports of imports_, in order: what every instance's
  // function index space starts with.
  std::shared_ptr<const std::vector<Function*>> imported_functions_;
  std::shared_ptr<const std::vector<std::shared_ptr<HostFunction>>> host_functions_;
};

class Linker {
 public:
  explicit Linker(Engine& engine) : engine_(&engine) {}

  Engine& engine() const { return *engine_; }

  // Later definitions of the same name replace earlier ones only when
  // shadowing is allowed; otherwise they are an error.
  void AllowShadowing(bool allow) { allow_shadowing_ = allow; }

  Status DefineFunction(std::string_view module, std::string_view name,
                        std::shared_ptr<HostFunction> function);
  template <typename F>
  Status Func(std::string_view module, std::string_view name, F callable) {
    return DefineFunction(
        module, name,
        WrapFunction(*engine_, std::string(module) + "." + std::string(name), std::move(callable)));
  }
  Status Define(std::string_view module, std::string_view name, Extern value);
  // Defines every export of `instance` under `module`.
  Status DefineInstance(std::string_view module, const Instance& instance);

  Result<std::shared_ptr<InstancePre>> Prepare(std::shared_ptr<const CompiledModule> module) const;

  // Prepare() and InstancePre::Instantiate() in one step.
  Result<Instance*> Instantiate(Store& store, std::shared_ptr<const CompiledModule> module) const;

 private:
  struct Definition {
    Extern value;
    std::shared_ptr<HostFunction> host;
  };
  static std::string Key(std::string_view module, std::string_view name);
  Status Insert(std::string_view module, std::string_view name, Definition definition);

  Engine* engine_;
  bool allow_shadowing_ = false;
  std::map<std::string, Definition, std::less<>> definitions_;
};

}  // namespace spindle
