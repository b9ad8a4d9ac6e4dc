// Runs code compiled by libspindle-llvm.so without the runtime: the plugin
// is dlopen()ed like the runtime does, and NativeInstance maps the blob and
// builds a VmContext by hand (an 8 GiB PROT_NONE reservation as memory,
// global cells, tables, and RuntimeHelpers whose trap() siglongjmps back to
// the caller). Enough of an instance to check arithmetic, control flow,
// memory and traps natively; not a runtime (no imported globals, tables or
// memories; constant segment offsets only).
#pragma once

#include <csetjmp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/binary/module.h"
#include "engine/rt/function.h"
#include "engine/rt/native_abi.h"
#include "engine/rt/trap.h"

namespace spindle::testing {

std::vector<uint8_t> ReadFixture(const std::string& name);  // "llvm_ops" -> wasm bytes

struct PluginOutput {
  int status = -1;
  std::vector<uint8_t> artifact;
  std::string error;
};

// Compiles through the plugin's C entry point.
PluginOutput CompileWithPlugin(const std::vector<uint8_t>& wasm, uint32_t threads = 0,
                               uint32_t opt_level = 2);

const native::ArtifactHeader& HeaderOf(const std::vector<uint8_t>& artifact);

// A host import: reads its arguments from and writes its results to slots;
// returns a TrapKind.
using HostImport = std::function<TrapKind(uint64_t* slots)>;

class NativeInstance {
 public:
  struct Outcome {
    TrapKind trap = TrapKind::kNone;
    std::vector<uint64_t> results;  // raw bits, zero-extended
  };

  // Null with a gtest failure when the module uses what the harness lacks.
  static std::unique_ptr<NativeInstance> Create(
      const std::vector<uint8_t>& wasm, const std::vector<uint8_t>& artifact,
      std::map<std::string, HostImport> imports = {});
  ~NativeInstance();

  Outcome Call(const std::string& export_name, std::vector<uint64_t> args = {});

  uint8_t* memory() { return memory_; }
  native::VmContext& vmctx() { return vmctx_; }
  uint64_t& epoch() { return epoch_; }

 private:
  NativeInstance() = default;
  bool Build(const std::vector<uint8_t>& wasm, const std::vector<uint8_t>& artifact,
             std::map<std::string, HostImport> imports);
  void UpdateTableViews();
  static NativeInstance& From(native::VmContext* vmctx) {
    return *static_cast<NativeInstance*>(vmctx->runtime);
  }

  // RuntimeHelpers
  [[noreturn]] static void Trap(native::VmContext* vmctx, uint32_t kind);
  [[noreturn]] static void TrapAtIndex(native::VmContext* vmctx, uint32_t kind, uint32_t index);
  static uint32_t CallFunction(native::VmContext* vmctx, void* function, uint64_t* slots);
  static uint32_t MemorySize(native::VmContext* vmctx);
  static uint32_t MemoryGrow(native::VmContext* vmctx, uint32_t delta);
  static uint32_t MemoryFill(native::VmContext* vmctx, uint32_t dst, uint32_t value,
                             uint32_t length);
  static uint32_t MemoryCopy(native::VmContext* vmctx, uint32_t dst, uint32_t src,
                             uint32_t length);
  static uint32_t MemoryInit(native::VmContext* vmctx, uint32_t segment, uint32_t dst,
                             uint32_t src, uint32_t length);
  static void DataDrop(native::VmContext* vmctx, uint32_t segment);
  static uint32_t TableGrow(native::VmContext* vmctx, uint32_t table, uint64_t init,
                            uint32_t delta);
  static uint32_t TableFill(native::VmContext* vmctx, uint32_t table, uint32_t dst,
                            uint64_t value, uint32_t length);
  static uint32_t TableCopy(native::VmContext* vmctx, uint32_t dst_table, uint32_t src_table,
                            uint32_t dst, uint32_t src, uint32_t length);
  static uint32_t TableInit(native::VmContext* vmctx, uint32_t segment, uint32_t table,
                            uint32_t dst, uint32_t src, uint32_t length);
  static void ElemDrop(native::VmContext* vmctx, uint32_t segment);
  // The harness fills its tables eagerly: a 0 element is a null.
  static uint64_t TableGetLazy(native::VmContext* vmctx, uint32_t table, uint32_t index);
  static void* RefFunc(native::VmContext* vmctx, uint32_t function_index);
  [[noreturn]] static void StackLimitReached(native::VmContext* vmctx);

  using EntryThunk = void (*)(const void*, native::VmContext*, uint64_t*);
  EntryThunk EntryFor(uint32_t type_index) const;

  std::shared_ptr<Module> module_;
  uint8_t* code_ = nullptr;
  size_t code_mapping_size_ = 0;
  std::vector<uint64_t> entry_offsets_;
  uint8_t* memory_ = nullptr;
  uint64_t memory_pages_ = 0;
  uint64_t memory_max_pages_ = 0;
  std::vector<std::vector<uint8_t>> data_segments_;   // emptied by data.drop
  std::vector<std::vector<uint64_t>> elem_segments_;  // emptied by elem.drop
  std::vector<std::vector<uint64_t>> tables_;
  std::vector<uint64_t> table_max_;
  std::vector<native::TableView> table_views_;
  std::vector<native::TableView*> table_view_pointers_;
  std::vector<uint64_t> global_cells_;
  std::vector<uint64_t*> global_pointers_;
  std::vector<Function> functions_;
  std::vector<void*> function_pointers_;
  std::vector<const void*> canonical_types_;
  std::vector<HostImport> imports_;
  uint64_t epoch_ = 0;
  native::RuntimeHelpers helpers_{};
  native::VmContext vmctx_{};
};

}  // namespace spindle::testing
