// Symbol names shared by the IR the translator emits and the linker that
// looks them up in the partitions' objects.
#pragma once

#include <cstdint>
#include <string>

namespace spindle::aot {

// A defined function, by its index in the function index space.
inline std::string FunctionSymbol(uint32_t function_index) {
  return "wasm_func_" + std::to_string(function_index);
}

// The entry thunk of type index `type_index` (native_abi.h).
inline std::string EntrySymbol(uint32_t type_index) {
  return "entry_" + std::to_string(type_index);
}

}  // namespace spindle::aot
