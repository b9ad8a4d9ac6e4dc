// The WebAssembly type vocabulary shared by every engine layer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace spindle {

enum class ValType : uint8_t {
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
  kV128 = 0x7b,
  kFuncRef = 0x70,
  kExternRef = 0x6f,
};

inline bool IsRefType(ValType type) {
  return type == ValType::kFuncRef || type == ValType::kExternRef;
}
inline bool IsNumType(ValType type) {
  return type == ValType::kI32 || type == ValType::kI64 || type == ValType::kF32 ||
         type == ValType::kF64;
}
const char* ValTypeName(ValType type);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;

  bool operator==(const FuncType& other) const = default;
  std::string ToString() const;  // "(i32, i64) -> (f32)"
};

struct Limits {
  uint64_t min = 0;
  uint64_t max = 0;
  bool has_max = false;
};

struct TableType {
  ValType element = ValType::kFuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool is_mutable = false;

  bool operator==(const GlobalType& other) const = default;
};

enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3 };
const char* ExternKindName(ExternKind kind);

constexpr uint64_t kWasmPageSize = 65536;
constexpr uint64_t kMaxMemoryPages = 65536;  // 4 GiB for 32-bit memories

// A block's signature as encoded: empty, one result type, or a type index.
struct BlockType {
  enum class Kind : uint8_t { kEmpty, kValue, kIndex } kind = Kind::kEmpty;
  ValType value = ValType::kI32;
  uint32_t type_index = 0;
};

}  // namespace spindle
