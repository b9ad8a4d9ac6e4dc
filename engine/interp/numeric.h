// Exact WebAssembly semantics for the operators that C++ does not give
// directly: float min/max with NaN and signed zeros, round-half-even,
// sign-bit operations that must not touch NaN payloads, and the checked and
// saturating float-to-int conversions.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/rt/trap.h"

namespace spindle::interp {

template <typename F>
constexpr F PowerOfTwo(int exponent) {
  F value = 1;
  for (int i = 0; i < exponent; ++i) value *= 2;
  return value;
}

template <typename F>
inline F WasmMin(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;  // a quiet NaN
  if (a == b) return std::signbit(a) ? a : b;        // min(-0, +0) = -0
  return a < b ? a : b;
}

template <typename F>
inline F WasmMax(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == b) return std::signbit(a) ? b : a;        // max(-0, +0) = +0
  return a > b ? a : b;
}

// Rounding functions. NaNs are returned quieted: libm may hand a signaling
// NaN back unchanged, but the result must be an arithmetic NaN.
template <typename F>
inline F WasmNearest(F value) {
  if (std::isnan(value)) return value + value;
  return std::nearbyint(value);  // the default rounding mode: ties to even
}
template <typename F>
inline F WasmCeil(F value) {
  return std::isnan(value) ? value + value : std::ceil(value);
}
template <typename F>
inline F WasmFloor(F value) {
  return std::isnan(value) ? value + value : std::floor(value);
}
template <typename F>
inline F WasmTrunc(F value) {
  return std::isnan(value) ? value + value : std::trunc(value);
}

inline uint32_t F32Abs(uint32_t bits) { return bits & 0x7fffffffu; }
inline uint32_t F32Neg(uint32_t bits) { return bits ^ 0x80000000u; }
inline uint32_t F32Copysign(uint32_t a, uint32_t b) {
  return (a & 0x7fffffffu) | (b & 0x80000000u);
}
inline uint64_t F64Abs(uint64_t bits) { return bits & 0x7fffffffffffffffull; }
inline uint64_t F64Neg(uint64_t bits) { return bits ^ 0x8000000000000000ull; }
inline uint64_t F64Copysign(uint64_t a, uint64_t b) {
  return (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull);
}

// Checked truncation: traps on NaN and on values whose integer part does not
// fit. std::trunc is exact, and the bounds are powers of two, exact in both
// float formats.
template <typename I, typename F>
inline TrapKind TruncChecked(F value, I& out) {
  if (std::isnan(value)) return TrapKind::kInvalidConversion;
  constexpr bool kSigned = std::numeric_limits<I>::is_signed;
  constexpr int kBits = sizeof(I) * 8;
  constexpr F upper = PowerOfTwo<F>(kSigned ? kBits - 1 : kBits);
  constexpr F lower = kSigned ? -upper : F(0);
  const F truncated = std::trunc(value);
  if (truncated < lower || truncated >= upper) return TrapKind::kIntegerOverflow;
  out = static_cast<I>(truncated);
  return TrapKind::kNone;
}

template <typename I, typename F>
inline I TruncSaturating(F value) {
  if (std::isnan(value)) return 0;
  constexpr bool kSigned = std::numeric_limits<I>::is_signed;
  constexpr int kBits = sizeof(I) * 8;
  constexpr F upper = PowerOfTwo<F>(kSigned ? kBits - 1 : kBits);
  if (value >= upper) return std::numeric_limits<I>::max();
  if (kSigned) {
    if (value <= -upper) return std::numeric_limits<I>::min();
  } else {
    if (value <= F(-1)) return 0;
  }
  return static_cast<I>(std::trunc(value));
}

}  // namespace spindle::interp
