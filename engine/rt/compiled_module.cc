#include "engine/rt/compiled_module.h"

#include <algorithm>

#include "engine/valid/validator.h"

namespace spindle {

uint32_t InterpCode::ModuleOffsetAt(uint32_t code_offset) const {
  auto it = std::upper_bound(
      offsets.begin(), offsets.end(), code_offset,
      [](uint32_t value, const std::pair<uint32_t, uint32_t>& entry) { return value < entry.first; });
  if (it == offsets.begin()) return offsets.empty() ? 0 : offsets.front().second;
  return std::prev(it)->second;
}

Result<std::shared_ptr<CompiledModule>> CompiledModule::Compile(
    Engine& engine, std::shared_ptr<const ByteSource> bytes, std::string name) {
  SPINDLE_ASSIGN_OR_RETURN(std::shared_ptr<Module> module, DecodeModule(std::move(bytes)));
  SPINDLE_TRY(ValidateModule(*module));

  std::shared_ptr<CompiledModule> compiled(new CompiledModule());
  compiled->engine_ = &engine;
  compiled->name_ = std::move(name);
  compiled->canonical_types_.reserve(module->types.size());
  for (const FuncType& type : module->types) {
    compiled->canonical_types_.push_back(engine.InternType(type));
  }
  const uint32_t defined = static_cast<uint32_t>(module->functions.size());
  compiled->code_slots_ = std::make_unique<CodeSlot[]>(defined);
  for (uint32_t i = 0; i < defined; ++i) {
    CodeSlot& slot = compiled->code_slots_[i];
    slot.module = compiled.get();
    slot.defined_index = i;
    slot.function_index = module->num_imported_functions + i;
  }
  compiled->export_index_.reserve(module->exports.size());
  for (uint32_t i = 0; i < module->exports.size(); ++i) {
    compiled->export_index_.emplace(module->exports[i].name, i);
  }
  compiled->elem_plan_ = ElemPlan::For(*module);
  compiled->module_ = std::move(module);
  return compiled;
}

Result<std::shared_ptr<CompiledModule>> CompiledModule::CompileFile(Engine& engine,
                                                                    const std::string& path) {
  SPINDLE_ASSIGN_OR_RETURN(auto bytes, ByteSource::MapFile(path));
  auto compiled = Compile(engine, std::move(bytes), path);
  if (!compiled.ok()) {
    Error error = std::move(compiled).error();
    error.source = path;
    return error;
  }
  return compiled;
}

Result<std::shared_ptr<CompiledModule>> CompiledModule::CompileBytes(
    Engine& engine, std::span<const uint8_t> bytes, std::string name) {
  return Compile(engine, ByteSource::Copy(bytes), std::move(name));
}

CompiledModule::~CompiledModule() {
  if (!module_) return;
  for (uint32_t i = 0; i < module_->functions.size(); ++i) {
    delete code_slots_[i].interp.load(std::memory_order_acquire);
  }
}

const Export* CompiledModule::FindExport(std::string_view name) const {
  auto found = export_index_.find(name);
  return found == export_index_.end() ? nullptr : &module_->exports[found->second];
}

const std::shared_ptr<const MemoryImage>& CompiledModule::memory_image() const {
  std::call_once(memory_image_once_, [this] {
    if (engine_->config().memory_init == MemoryInit::kCopySegments) return;
    std::optional<std::vector<ImageSegment>> segments = ImageSegmentsOf(*module_);
    if (!segments) return;
    auto image = MemoryImage::Create(*segments);
    // Without an image (no memfd in a sandbox, say) instances copy the
    // segments, which is slower but equivalent.
    if (image.ok()) memory_image_ = std::move(image).value();
  });
  return memory_image_;
}

std::string CompiledModule::FunctionDisplayName(uint32_t function_index) const {
  const std::string_view name = module_->FunctionName(function_index);
  if (!name.empty()) return std::string(name);
  return "func[" + std::to_string(function_index) + "]";
}

const InterpCode* CompiledModule::PublishInterpCode(CodeSlot& slot,
                                                    std::unique_ptr<InterpCode> code) {
  const InterpCode* expected = nullptr;
  if (slot.interp.compare_exchange_strong(expected, code.get(), std::memory_order_acq_rel)) {
    return code.release();
  }
  return expected;
}

std::shared_ptr<const NativeCode> CompiledModule::native_code() const {
  if (!has_native_code()) return nullptr;
  std::lock_guard<std::mutex> lock(native_mutex_);
  return native_code_;
}

void CompiledModule::PublishNativeCode(std::shared_ptr<const NativeCode> code) {
  std::lock_guard<std::mutex> lock(native_mutex_);
  if (native_code_ || !code) return;
  native_code_ = std::move(code);
  has_native_code_.store(true, std::memory_order_release);
}

}  // namespace spindle
