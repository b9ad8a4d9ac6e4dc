// Values as the embedder sees them. Inside the engine every value is a raw
// 64-bit slot; a reference is a Function* (funcref) or an opaque non-zero
// token (externref), and 0 is null.
#pragma once

#include <bit>
#include <cstdint>
#include <string>

#include "engine/binary/types.h"

namespace spindle {

struct Function;

struct Value {
  ValType type = ValType::kI32;
  uint64_t bits = 0;

  static Value I32(int32_t v) { return {ValType::kI32, static_cast<uint32_t>(v)}; }
  static Value I64(int64_t v) { return {ValType::kI64, static_cast<uint64_t>(v)}; }
  static Value F32(float v) { return {ValType::kF32, std::bit_cast<uint32_t>(v)}; }
  static Value F64(double v) { return {ValType::kF64, std::bit_cast<uint64_t>(v)}; }
  static Value F32Bits(uint32_t bits) { return {ValType::kF32, bits}; }
  static Value F64Bits(uint64_t bits) { return {ValType::kF64, bits}; }
  static Value FuncRef(const Function* f) {
    return {ValType::kFuncRef, reinterpret_cast<uint64_t>(f)};
  }
  static Value ExternRef(uint64_t token) { return {ValType::kExternRef, token}; }
  static Value Null(ValType ref_type) { return {ref_type, 0}; }
  static Value Zero(ValType type) { return {type, 0}; }

  int32_t i32() const { return static_cast<int32_t>(static_cast<uint32_t>(bits)); }
  int64_t i64() const { return static_cast<int64_t>(bits); }
  float f32() const { return std::bit_cast<float>(static_cast<uint32_t>(bits)); }
  double f64() const { return std::bit_cast<double>(bits); }
  Function* funcref() const { return reinterpret_cast<Function*>(bits); }
  bool is_null() const { return bits == 0; }

  std::string ToString() const;  // "i32:42", "f64:0.5", "funcref:null"
};

}  // namespace spindle
