// An instance of a CompiledModule: its index spaces resolved to runtime
// objects. Instances are owned by their Store.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/rt/compiled_module.h"
#include "engine/rt/function.h"
#include "engine/rt/memory.h"
#include "engine/rt/native_abi.h"
#include "engine/rt/native_code.h"
#include "engine/rt/table.h"

namespace spindle {

class Store;

// A reference to an exported or importable object of any kind.
struct Extern {
  ExternKind kind = ExternKind::kFunc;
  void* object = nullptr;

  static Extern Of(Function* f) { return {ExternKind::kFunc, f}; }
  static Extern Of(Table* t) { return {ExternKind::kTable, t}; }
  static Extern Of(Memory* m) { return {ExternKind::kMemory, m}; }
  static Extern Of(Global* g) { return {ExternKind::kGlobal, g}; }
  Function* function() const { return kind == ExternKind::kFunc ? static_cast<Function*>(object) : nullptr; }
  Table* table() const { return kind == ExternKind::kTable ? static_cast<Table*>(object) : nullptr; }
  Memory* memory() const { return kind == ExternKind::kMemory ? static_cast<Memory*>(object) : nullptr; }
  Global* global() const { return kind == ExternKind::kGlobal ? static_cast<Global*>(object) : nullptr; }
};

class Instance {
 public:
  Instance(std::shared_ptr<const CompiledModule> module, Store& store)
      : module_(std::move(module)), store_(&store) {}
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  const CompiledModule& module() const { return *module_; }
  Store& store() const { return *store_; }

  uint32_t num_functions() const { return num_imported_functions_ + num_defined_functions_; }
  uint32_t num_memories() const { return static_cast<uint32_t>(memories.size()); }
  Memory* memory(uint32_t index) const { return memories[index]; }
  Table* table(uint32_t index) const { return tables[index]; }
  Global* global(uint32_t index) const { return globals[index]; }

  // The function index space: imports, then the functions the module
  // defines. A defined function's Function object is made on its first use
  // (an export, ref.func, a table element), so instantiating a module with
  // thousands of functions writes none of them. Like everything in a Store,
  // this is for one thread at a time.
  Function* function(uint32_t index) const {
    return index < num_imported_functions_
               ? imported_functions_[index]
               : DefinedFunction(index - num_imported_functions_);
  }
  Function* DefinedFunction(uint32_t defined_index) const {
    if (made_functions_[defined_index / 64] >> (defined_index % 64) & 1) {
      return &defined_functions_.get()[defined_index];
    }
    return MakeFunction(defined_index);
  }
  // How many defined functions have a Function object yet.
  uint32_t num_made_functions() const;
  // Per imported function index: its Function, resolved once per module
  // (InstancePre) and shared by its instances.
  Function* const* imported_functions() const { return imported_functions_; }

  std::optional<Extern> GetExport(std::string_view name) const;
  Function* GetFunction(std::string_view name) const;
  Memory* GetMemory(std::string_view name) const;
  Global* GetGlobal(std::string_view name) const;
  Table* GetTable(std::string_view name) const;

  // Runtime internals: written while instantiating, read by the interpreter.
  void SetFunctions(std::shared_ptr<const std::vector<Function*>> imported, uint32_t defined);
  // Runs this instance's defined functions as `code` (the LLVM tier),
  // including any Function made before.
  void UseNativeCode(std::shared_ptr<const NativeCode> code);

  std::vector<Table*> tables;
  std::vector<Memory*> memories;
  std::vector<Global*> globals;
  std::vector<uint64_t*> global_values;  // &globals[i]->value
  std::vector<std::unique_ptr<Table>> owned_tables;
  std::vector<std::unique_ptr<Memory>> owned_memories;
  std::unique_ptr<Global[]> owned_globals;
  std::vector<uint8_t> dropped_elems;
  std::vector<uint8_t> dropped_datas;
  std::shared_ptr<const void> keep_alive;  // imported host functions

  // LLVM tier: set when the instance was created while its module had
  // native code; its defined functions then run as machine code.
  std::shared_ptr<const NativeCode> native_code;
  std::unique_ptr<native::VmContext> vmctx;
  std::vector<native::TableView*> table_views;

 private:
  // Raw storage: Function objects are constructed in place by MakeFunction.
  struct StorageDeleter {
    void operator()(Function* storage) const { ::operator delete(storage); }
  };

  Function* MakeFunction(uint32_t defined_index) const;
  uint32_t made_function_words() const { return (num_defined_functions_ + 63) / 64; }

  std::shared_ptr<const CompiledModule> module_;
  Store* store_;
  std::shared_ptr<const std::vector<Function*>> imported_function_list_;
  Function* const* imported_functions_ = nullptr;
  uint32_t num_imported_functions_ = 0;
  uint32_t num_defined_functions_ = 0;
  // Lazily made functions: a bit per defined function says whether its
  // slot in defined_functions_ holds a Function yet.
  std::unique_ptr<Function, StorageDeleter> defined_functions_;
  std::unique_ptr<uint64_t[]> made_functions_;
};

}  // namespace spindle
