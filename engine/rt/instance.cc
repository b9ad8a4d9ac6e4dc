#include "engine/rt/instance.h"

#include <new>

namespace spindle {

void Instance::SetFunctions(std::shared_ptr<const std::vector<Function*>> imported,
                            uint32_t defined) {
  imported_function_list_ = std::move(imported);
  imported_functions_ = imported_function_list_->data();
  num_imported_functions_ = static_cast<uint32_t>(imported_function_list_->size());
  num_defined_functions_ = defined;
  if (defined == 0) return;
  // Uninitialized on purpose: only the bitmap is cleared per instance.
  defined_functions_.reset(static_cast<Function*>(::operator new(sizeof(Function) * defined)));
  made_functions_ = std::make_unique<uint64_t[]>(made_function_words());
}

Function* Instance::MakeFunction(uint32_t defined_index) const {
  const CompiledModule& compiled = *module_;
  const uint32_t type_index =
      compiled.module().function_type_indices[num_imported_functions_ + defined_index];
  Function* function = new (&defined_functions_.get()[defined_index]) Function{};
  function->type = compiled.canonical_type(type_index);
  function->instance = const_cast<Instance*>(this);
  function->code = &compiled.code_slot(defined_index);
  if (native_code) function->native_code = native_code->function(defined_index);
  made_functions_[defined_index / 64] |= uint64_t{1} << (defined_index % 64);
  return function;
}

uint32_t Instance::num_made_functions() const {
  uint32_t made = 0;
  for (uint32_t word = 0; word < made_function_words(); ++word) {
    made += static_cast<uint32_t>(__builtin_popcountll(made_functions_[word]));
  }
  return made;
}

void Instance::UseNativeCode(std::shared_ptr<const NativeCode> code) {
  native_code = std::move(code);
  for (uint32_t word = 0; word < made_function_words(); ++word) {
    for (uint64_t bits = made_functions_[word]; bits != 0; bits &= bits - 1) {
      const uint32_t defined_index = word * 64 + static_cast<uint32_t>(__builtin_ctzll(bits));
      defined_functions_.get()[defined_index].native_code = native_code->function(defined_index);
    }
  }
}

std::optional<Extern> Instance::GetExport(std::string_view name) const {
  const Export* exported = module_->FindExport(name);
  if (!exported) return std::nullopt;
  switch (exported->kind) {
    case ExternKind::kFunc: return Extern::Of(function(exported->index));
    case ExternKind::kTable: return Extern::Of(tables[exported->index]);
    case ExternKind::kMemory: return Extern::Of(memories[exported->index]);
    case ExternKind::kGlobal: return Extern::Of(globals[exported->index]);
  }
  return std::nullopt;
}

Function* Instance::GetFunction(std::string_view name) const {
  auto found = GetExport(name);
  return found ? found->function() : nullptr;
}

Memory* Instance::GetMemory(std::string_view name) const {
  auto found = GetExport(name);
  return found ? found->memory() : nullptr;
}

Global* Instance::GetGlobal(std::string_view name) const {
  auto found = GetExport(name);
  return found ? found->global() : nullptr;
}

Table* Instance::GetTable(std::string_view name) const {
  auto found = GetExport(name);
  return found ? found->table() : nullptr;
}

}  // namespace spindle
