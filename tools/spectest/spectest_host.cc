#include "tools/spectest/spectest_host.h"

#include <bit>

namespace spindle::spectest {

Status DefineSpectestModule(Linker& linker, Store& store) {
  SPINDLE_TRY(linker.Func("spectest", "print", [] {}));
  SPINDLE_TRY(linker.Func("spectest", "print_i32", [](int32_t) {}));
  SPINDLE_TRY(linker.Func("spectest", "print_i64", [](int64_t) {}));
  SPINDLE_TRY(linker.Func("spectest", "print_f32", [](float) {}));
  SPINDLE_TRY(linker.Func("spectest", "print_f64", [](double) {}));
  SPINDLE_TRY(linker.Func("spectest", "print_i32_f32", [](int32_t, float) {}));
  SPINDLE_TRY(linker.Func("spectest", "print_f64_f64", [](double, double) {}));

  Global* global_i32 = store.CreateGlobal({ValType::kI32, false}, 666);
  Global* global_i64 = store.CreateGlobal({ValType::kI64, false}, 666);
  Global* global_f32 =
      store.CreateGlobal({ValType::kF32, false}, std::bit_cast<uint32_t>(666.6f));
  Global* global_f64 =
      store.CreateGlobal({ValType::kF64, false}, std::bit_cast<uint64_t>(666.6));
  SPINDLE_TRY(linker.Define("spectest", "global_i32", Extern::Of(global_i32)));
  SPINDLE_TRY(linker.Define("spectest", "global_i64", Extern::Of(global_i64)));
  SPINDLE_TRY(linker.Define("spectest", "global_f32", Extern::Of(global_f32)));
  SPINDLE_TRY(linker.Define("spectest", "global_f64", Extern::Of(global_f64)));

  TableType table_type;
  table_type.element = ValType::kFuncRef;
  table_type.limits = {10, 20, true};
  SPINDLE_ASSIGN_OR_RETURN(Table * table, store.CreateTable(table_type, 0));
  SPINDLE_TRY(linker.Define("spectest", "table", Extern::Of(table)));

  MemoryType memory_type;
  memory_type.limits = {1, 2, true};
  SPINDLE_ASSIGN_OR_RETURN(Memory * memory, store.CreateMemory(memory_type));
  return linker.Define("spectest", "memory", Extern::Of(memory));
}

}  // namespace spindle::spectest
