#include "engine/embed/linker.h"

namespace spindle {
namespace {

std::string Quote(std::string_view module, std::string_view name) {
  std::string quoted;
  quoted.reserve(module.size() + name.size() + 5);
  quoted.append("\"").append(module).append("\" \"").append(name).append("\"");
  return quoted;
}

std::string DescribeLimits(const Limits& limits) {
  std::string out = "{min " + std::to_string(limits.min);
  if (limits.has_max) out += ", max " + std::to_string(limits.max);
  return out + "}";
}

// Import subtyping for limits: the actual object must be at least as large,
// and at most as large as the import's maximum.
bool LimitsMatch(uint64_t actual_min, const Limits& actual, const Limits& expected) {
  if (actual_min < expected.min) return false;
  if (!expected.has_max) return true;
  return actual.has_max && actual.max <= expected.max;
}

Status Incompatible(const Import& import, const std::string& expected,
                    const std::string& actual) {
  return MakeError(Phase::kLink, "incompatible import type for " +
                                     Quote(import.module, import.name) + ": expected " +
                                     expected + ", got " + actual);
}

Status CheckImport(const CompiledModule& module, const Import& import, const Extern& value) {
  if (value.kind != import.kind) {
    return Incompatible(import, ExternKindName(import.kind), ExternKindName(value.kind));
  }
  switch (import.kind) {
    case ExternKind::kFunc: {
      const FuncType* expected = module.canonical_type(import.type_index);
      const FuncType* actual = value.function()->type;
      if (expected != actual) {
        return Incompatible(import, "function " + expected->ToString(),
                            "function " + actual->ToString());
      }
      return Ok();
    }
    case ExternKind::kTable: {
      const Table* table = value.table();
      if (table->type().element != import.table.element ||
          !LimitsMatch(table->size(), table->type().limits, import.table.limits)) {
        return Incompatible(
            import,
            std::string("table of ") + ValTypeName(import.table.element) + " " +
                DescribeLimits(import.table.limits),
            std::string("table of ") + ValTypeName(table->type().element) + " " +
                DescribeLimits(table->type().limits) + " with " + std::to_string(table->size()) +
                " elements");
      }
      return Ok();
    }
    case ExternKind::kMemory: {
      const Memory* memory = value.memory();
      if (!LimitsMatch(memory->pages(), memory->type().limits, import.memory.limits)) {
        return Incompatible(import, "memory " + DescribeLimits(import.memory.limits),
                            "memory " + DescribeLimits(memory->type().limits) + " with " +
                                std::to_string(memory->pages()) + " pages");
      }
      return Ok();
    }
    case ExternKind::kGlobal: {
      const Global* global = value.global();
      if (!(global->type == import.global)) {
        auto describe = [](const GlobalType& type) {
          return std::string(type.is_mutable ? "mut " : "") + ValTypeName(type.type);
        };
        return Incompatible(import, "global " + describe(import.global),
                            "global " + describe(global->type));
      }
      return Ok();
    }
  }
  return Ok();
}

}  // namespace

std::string Linker::Key(std::string_view module, std::string_view name) {
  std::string key(module);
  key.push_back('\0');
  key.append(name);
  return key;
}

Status Linker::Insert(std::string_view module, std::string_view name, Definition definition) {
  std::string key = Key(module, name);
  auto found = definitions_.find(key);
  if (found != definitions_.end()) {
    if (!allow_shadowing_) {
      return MakeError(Phase::kUsage, "import " + Quote(module, name) + " is already defined");
    }
    found->second = std::move(definition);
    return Ok();
  }
  definitions_.emplace(std::move(key), std::move(definition));
  return Ok();
}

Status Linker::DefineFunction(std::string_view module, std::string_view name,
                              std::shared_ptr<HostFunction> function) {
  Definition definition;
  definition.value = Extern::Of(&function->function);
  definition.host = std::move(function);
  return Insert(module, name, std::move(definition));
}

Status Linker::Define(std::string_view module, std::string_view name, Extern value) {
  return Insert(module, name, Definition{value, nullptr});
}

Status Linker::DefineInstance(std::string_view module, const Instance& instance) {
  for (const Export& exported : instance.module().module().exports) {
    auto value = instance.GetExport(exported.name);
    if (value) SPINDLE_TRY(Define(module, exported.name, *value));
  }
  return Ok();
}

Result<std::shared_ptr<InstancePre>> Linker::Prepare(
    std::shared_ptr<const CompiledModule> module) const {
  auto pre = std::shared_ptr<InstancePre>(new InstancePre());
  auto hosts = std::make_shared<std::vector<std::shared_ptr<HostFunction>>>();
  auto imported_functions = std::make_shared<std::vector<Function*>>();
  const auto& imports = module->module().imports;
  pre->imports_.reserve(imports.size());
  for (const Import& import : imports) {
    auto found = definitions_.find(Key(import.module, import.name));
    if (found == definitions_.end()) {
      return MakeError(Phase::kLink, "unknown import: " + Quote(import.module, import.name) +
                                         " (" + ExternKindName(import.kind) + ")");
    }
    SPINDLE_TRY(CheckImport(*module, import, found->second.value));
    pre->imports_.push_back(found->second.value);
    if (Function* function = found->second.value.function()) {
      imported_functions->push_back(function);
    }
    if (found->second.host) hosts->push_back(found->second.host);
  }
  pre->module_ = std::move(module);
  pre->host_functions_ = std::move(hosts);
  pre->imported_functions_ = std::move(imported_functions);
  return pre;
}

Result<Instance*> Linker::Instantiate(Store& store,
                                      std::shared_ptr<const CompiledModule> module) const {
  SPINDLE_ASSIGN_OR_RETURN(auto pre, Prepare(std::move(module)));
  return pre->Instantiate(store);
}

}  // namespace spindle
