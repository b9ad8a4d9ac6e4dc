#include "engine/rt/instance.h"

namespace spindle {

std::optional<Extern> Instance::GetExport(std::string_view name) const {
  const Export* exported = module_->FindExport(name);
  if (!exported) return std::nullopt;
  switch (exported->kind) {
    case ExternKind::kFunc: return Extern::Of(functions[exported->index]);
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
