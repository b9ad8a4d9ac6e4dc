// InstancePre::Instantiate: allocation and initialization in the order the
// spec gives (WebAssembly 2.0, "Instantiation").
#include <algorithm>
#include <cstring>

#include "engine/embed/call.h"
#include "engine/embed/linker.h"
#include "engine/native/attach.h"
#include "engine/rt/const_eval.h"

namespace spindle {
namespace {

Error InstantiationError(const CompiledModule& module, std::string message, int64_t offset) {
  Error error = MakeError(Phase::kInstantiate, std::move(message), offset);
  error.source = module.name();
  return error;
}

Status AllocateObjects(Store& store, const std::vector<Extern>& imports,
                       std::shared_ptr<const std::vector<Function*>> imported_functions,
                       Instance& instance) {
  const CompiledModule& compiled = instance.module();
  const Module& module = compiled.module();
  const StoreLimits& limits = store.limits();

  instance.tables.reserve(module.num_tables());
  instance.memories.reserve(module.num_memories());
  instance.globals.reserve(module.num_globals());
  instance.owned_tables.reserve(module.tables.size());
  instance.owned_memories.reserve(module.memories.size());
  for (const Extern& value : imports) {
    switch (value.kind) {
      case ExternKind::kFunc: break;  // imported_functions
      case ExternKind::kTable: instance.tables.push_back(value.table()); break;
      case ExternKind::kMemory: instance.memories.push_back(value.memory()); break;
      case ExternKind::kGlobal: instance.globals.push_back(value.global()); break;
    }
  }
  // Defined functions are made on first use: a module with 10 MB of code
  // has about 9000 of them, and making them all was most of what
  // instantiating it cost.
  instance.SetFunctions(std::move(imported_functions),
                        static_cast<uint32_t>(module.functions.size()));

  for (const TableType& type : module.tables) {
    auto table = Table::Create(type, limits.max_table_elements, 0, store.table_budget());
    if (!table.ok()) {
      Error error = std::move(table).error();
      error.source = compiled.name();
      return error;
    }
    instance.owned_tables.push_back(std::move(table).value());
    Table* defined = instance.owned_tables.back().get();
    const uint32_t table_index = static_cast<uint32_t>(instance.tables.size());
    if (compiled.elem_plan().is_lazy(table_index)) {
      defined->InitializeLazily(instance, compiled.elem_plan().lazy_contents(table_index));
    }
    instance.tables.push_back(defined);
  }
  for (const MemoryType& type : module.memories) {
    const uint64_t max_pages = std::min<uint64_t>(limits.max_memory_pages, kMaxMemoryPages);
    // Only memory 0 can have an image, and only when it is defined here.
    auto memory = Memory::Create(store.engine().memory_pool(), type, max_pages,
                                 store.memory_budget(), compiled.memory_image());
    if (!memory.ok()) {
      Error error = std::move(memory).error();
      error.phase = Phase::kInstantiate;
      error.source = compiled.name();
      return error;
    }
    instance.owned_memories.push_back(std::move(memory).value());
    instance.memories.push_back(instance.owned_memories.back().get());
  }

  // Globals: initializers may only read imported globals, so evaluating them
  // in order is enough.
  const uint32_t defined_globals = static_cast<uint32_t>(module.globals.size());
  instance.owned_globals = std::make_unique<Global[]>(defined_globals);
  instance.global_values.reserve(module.num_globals());
  for (Global* global : instance.globals) instance.global_values.push_back(&global->value);
  for (uint32_t i = 0; i < defined_globals; ++i) {
    Global& global = instance.owned_globals[i];
    global.type = module.globals[i].type;
    instance.globals.push_back(&global);
    instance.global_values.push_back(&global.value);
    global.value = EvaluateConstExpr(module.globals[i].init, instance);
  }

  instance.dropped_elems.assign(module.elems.size(), 0);
  instance.dropped_datas.assign(module.datas.size(), 0);
  return Ok();
}

// Stores the funcref of each planned item (ElemPlan) from `slots` on.
void FillTable(std::span<const uint32_t> function_indices, const Instance& instance,
               uint64_t* slots) {
  for (const uint32_t index : function_indices) {
    *slots++ = index == ElemPlan::kNullFunction
                   ? 0
                   : reinterpret_cast<uint64_t>(instance.function(index));
  }
}

// After segment `failed` trapped, a lazily filled table must hold only what
// the segments before it wrote, as an eager one would.
void ApplyLazyTablesUpTo(uint32_t failed, Instance& instance) {
  const CompiledModule& compiled = instance.module();
  const Module& module = compiled.module();
  const ElemPlan& plan = compiled.elem_plan();
  for (uint32_t t = module.num_imported_tables; t < module.num_tables(); ++t) {
    if (plan.is_lazy(t)) instance.tables[t]->DropLazyPlan();
  }
  for (uint32_t i = 0; i < failed; ++i) {
    const ElemSegment& segment = module.elems[i];
    if (segment.mode != SegmentMode::kActive || !plan.is_lazy(segment.table_index)) continue;
    const ElemPlan::Segment& planned = plan.segment(i);
    FillTable(plan.function_indices(planned), instance,
              instance.tables[segment.table_index]->MutableRange(planned.offset, planned.count));
  }
}

// Undoes the data segments that memory 0's image applied up front.
void ClearImage(const MemoryImage& image, Memory& memory) {
  std::memset(memory.base() + image.offset(), 0, image.length());
}

Status InitializeSegments(Instance& instance) {
  const CompiledModule& compiled = instance.module();
  const Module& module = compiled.module();
  const ElemPlan& plan = compiled.elem_plan();
  // When set, memory 0 already holds every active data segment.
  const MemoryImage* image = compiled.memory_image().get();
  for (uint32_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& segment = module.elems[i];
    if (segment.mode == SegmentMode::kPassive) continue;
    instance.dropped_elems[i] = 1;  // active and declarative segments drop
    if (segment.mode == SegmentMode::kDeclarative) continue;
    Table* table = instance.tables[segment.table_index];
    const ElemPlan::Segment& planned = plan.segment(i);
    const uint64_t offset =
        planned.resolved ? planned.offset
                         : static_cast<uint32_t>(EvaluateConstExpr(segment.offset, instance));
    if (offset + segment.items.size() > table->size()) {
      // The spec writes no data segment after a failed element segment.
      if (image) ClearImage(*image, *instance.memories[0]);
      ApplyLazyTablesUpTo(i, instance);
      Error error = InstantiationError(compiled, TrapMessage(TrapKind::kTableOutOfBounds),
                                       segment.section_offset);
      error.trap_code = static_cast<int32_t>(TrapKind::kTableOutOfBounds);
      return error;
    }
    if (plan.is_lazy(segment.table_index)) continue;  // Table::InitializeLazily
    const uint32_t count = static_cast<uint32_t>(segment.items.size());
    uint64_t* slots = table->MutableRange(static_cast<uint32_t>(offset), count);
    if (planned.resolved) {
      FillTable(plan.function_indices(planned), instance, slots);
      continue;
    }
    for (uint32_t j = 0; j < count; ++j) slots[j] = EvaluateConstInstr(segment.items[j], instance);
  }
  for (uint32_t i = 0; i < module.datas.size(); ++i) {
    const DataSegment& segment = module.datas[i];
    if (segment.mode != SegmentMode::kActive) continue;
    instance.dropped_datas[i] = 1;
    if (image) continue;
    Memory* memory = instance.memories[segment.memory_index];
    const uint64_t offset =
        static_cast<uint32_t>(EvaluateConstExpr(segment.offset, instance));
    if (!memory->InBounds(offset, segment.bytes.size())) {
      Error error = InstantiationError(compiled, TrapMessage(TrapKind::kMemoryOutOfBounds),
                                       segment.section_offset);
      error.trap_code = static_cast<int32_t>(TrapKind::kMemoryOutOfBounds);
      return error;
    }
    if (!segment.bytes.empty()) {
      std::memcpy(memory->base() + offset, segment.bytes.data(), segment.bytes.size());
    }
  }
  return Ok();
}

}  // namespace

Result<Instance*> InstancePre::Instantiate(Store& store) const {
  if (&module_->engine() != &store.engine()) {
    return MakeError(Phase::kUsage, "the module and the store belong to different engines");
  }
  auto owned = std::make_unique<Instance>(module_, store);
  owned->keep_alive = host_functions_;
  SPINDLE_TRY(AllocateObjects(store, imports_, imported_functions_, *owned));
  if (module_->has_native_code()) native::AttachNativeCode(*owned, module_->native_code());
  // The store owns the instance from here on, even if initialization traps:
  // functions it wrote into imported tables must stay callable.
  SPINDLE_ASSIGN_OR_RETURN(Instance * instance, store.AdoptInstance(std::move(owned)));
  SPINDLE_TRY(InitializeSegments(*instance));
  const Module& module = module_->module();
  if (module.has_start) {
    auto result = Call(store, instance->function(module.start_function), {});
    if (!result.ok()) return std::move(result).error();
  }
  return instance;
}

}  // namespace spindle
