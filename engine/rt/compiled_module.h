// A validated module prepared for execution: the decoded Module plus what the
// engine derives from it once and shares between every instance (canonical
// function types, export index, the lazily translated code of each function).
//
// Thread safety: a CompiledModule may be instantiated and run from many
// threads at once; translation on first call is internally synchronized.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/byte_source.h"
#include "engine/base/result.h"
#include "engine/binary/decoder.h"
#include "engine/binary/module.h"
#include "engine/rt/elem_plan.h"
#include "engine/rt/engine.h"
#include "engine/rt/native_code.h"
#include "engine/rt/memory_image.h"

namespace spindle {

class CompiledModule;

// A function's code in the interpreter's register format (engine/interp/ir.h
// documents the encoding). Immutable once published.
struct InterpCode {
  std::vector<uint8_t> code;
  uint32_t frame_slots = 0;   // params + locals + zero slot + temporaries
  uint32_t param_slots = 0;
  uint32_t local_slots = 0;   // zeroed on entry (locals and the zero slot)
  // (code offset, module offset) pairs in code order, for backtraces.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;

  uint32_t ModuleOffsetAt(uint32_t code_offset) const;
};

// One per defined function, stable for the module's lifetime; the
// interpreter's call instructions point at these.
struct CodeSlot {
  std::atomic<const InterpCode*> interp{nullptr};
  CompiledModule* module = nullptr;
  uint32_t defined_index = 0;
  uint32_t function_index = 0;
};

class CompiledModule {
 public:
  static Result<std::shared_ptr<CompiledModule>> Compile(Engine& engine,
                                                         std::shared_ptr<const ByteSource> bytes,
                                                         std::string name = {});
  static Result<std::shared_ptr<CompiledModule>> CompileFile(Engine& engine,
                                                             const std::string& path);
  static Result<std::shared_ptr<CompiledModule>> CompileBytes(Engine& engine,
                                                              std::span<const uint8_t> bytes,
                                                              std::string name = {});
  ~CompiledModule();

  Engine& engine() const { return *engine_; }
  const Module& module() const { return *module_; }
  const std::string& name() const { return name_; }  // file name, for messages

  const FuncType* canonical_type(uint32_t type_index) const {
    return canonical_types_[type_index];
  }
  const FuncType* function_type(uint32_t function_index) const {
    return canonical_types_[module_->function_type_indices[function_index]];
  }
  CodeSlot& code_slot(uint32_t defined_index) const { return code_slots_[defined_index]; }

  const Export* FindExport(std::string_view name) const;

  // Memory 0's active data segments as a copy-on-write image, built on the
  // first call (thread safe). Null when the module does not qualify
  // (ImageSegmentsOf), has no data, the engine copies segments instead
  // (MemoryInit::kCopySegments) or the image could not be created; then
  // instantiation copies every segment. When non-null, the image holds every
  // active data segment.
  const std::shared_ptr<const MemoryImage>& memory_image() const;

  // Element segments whose table slots are known before instantiation.
  const ElemPlan& elem_plan() const { return elem_plan_; }

  // "name" from the name section, else "func[N]".
  std::string FunctionDisplayName(uint32_t function_index) const;

  // Installs translated code for a slot unless another thread won the race;
  // returns the published code.
  const InterpCode* PublishInterpCode(CodeSlot& slot, std::unique_ptr<InterpCode> code);

  // Native code from the LLVM tier. Instances created after it is published
  // run on it; earlier ones stay on the interpreter. Published at most once.
  std::shared_ptr<const NativeCode> native_code() const;
  bool has_native_code() const { return has_native_code_.load(std::memory_order_acquire); }
  void PublishNativeCode(std::shared_ptr<const NativeCode> code);

  std::span<const uint8_t> bytes() const { return module_->source->bytes(); }
  const FuncType* const* canonical_types() const { return canonical_types_.data(); }
  std::mutex& translation_mutex() const { return translation_mutex_; }

 private:
  CompiledModule() = default;

  Engine* engine_ = nullptr;
  std::shared_ptr<Module> module_;
  std::string name_;
  std::vector<const FuncType*> canonical_types_;
  std::unique_ptr<CodeSlot[]> code_slots_;
  std::unordered_map<std::string_view, uint32_t> export_index_;
  ElemPlan elem_plan_;
  mutable std::mutex translation_mutex_;
  mutable std::mutex native_mutex_;
  std::shared_ptr<const NativeCode> native_code_;
  std::atomic<bool> has_native_code_{false};
  mutable std::once_flag memory_image_once_;
  mutable std::shared_ptr<const MemoryImage> memory_image_;
};

}  // namespace spindle
