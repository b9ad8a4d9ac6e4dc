#include "tools/spectest/wast_values.h"

#include <cstdlib>

namespace spindle::spectest {
namespace {

std::optional<ValType> ParseType(const std::string& name) {
  if (name == "i32") return ValType::kI32;
  if (name == "i64") return ValType::kI64;
  if (name == "f32") return ValType::kF32;
  if (name == "f64") return ValType::kF64;
  if (name == "funcref") return ValType::kFuncRef;
  if (name == "externref") return ValType::kExternRef;
  return std::nullopt;
}

uint64_t ParseBits(const std::string& text) { return std::strtoull(text.c_str(), nullptr, 10); }

bool IsCanonicalNan32(uint32_t bits) { return (bits & 0x7fffffffu) == 0x7fc00000u; }
bool IsArithmeticNan32(uint32_t bits) {
  return (bits & 0x7fc00000u) == 0x7fc00000u;
}
bool IsCanonicalNan64(uint64_t bits) {
  return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}
bool IsArithmeticNan64(uint64_t bits) {
  return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

}  // namespace

std::optional<Value> ParseValue(const nlohmann::json& json) {
  const auto type = ParseType(json.at("type").get<std::string>());
  if (!type) return std::nullopt;
  const std::string text = json.contains("value") ? json.at("value").get<std::string>() : "0";
  Value value;
  value.type = *type;
  if (*type == ValType::kFuncRef || *type == ValType::kExternRef) {
    if (text == "null") {
      value.bits = 0;
    } else if (*type == ValType::kExternRef) {
      value.bits = ExternToken(ParseBits(text));
    } else {
      value.bits = ParseBits(text);
    }
    return value;
  }
  value.bits = ParseBits(text);
  return value;
}

bool Matches(const nlohmann::json& expected, const Value& actual) {
  const auto type = ParseType(expected.at("type").get<std::string>());
  if (!type || *type != actual.type) return false;
  const std::string text =
      expected.contains("value") ? expected.at("value").get<std::string>() : "";
  switch (actual.type) {
    case ValType::kF32: {
      const auto bits = static_cast<uint32_t>(actual.bits);
      if (text == "nan:canonical") return IsCanonicalNan32(bits);
      if (text == "nan:arithmetic") return IsArithmeticNan32(bits);
      return bits == static_cast<uint32_t>(ParseBits(text));
    }
    case ValType::kF64: {
      if (text == "nan:canonical") return IsCanonicalNan64(actual.bits);
      if (text == "nan:arithmetic") return IsArithmeticNan64(actual.bits);
      return actual.bits == ParseBits(text);
    }
    case ValType::kI32:
      return static_cast<uint32_t>(actual.bits) == static_cast<uint32_t>(ParseBits(text));
    case ValType::kI64:
      return actual.bits == ParseBits(text);
    case ValType::kExternRef:
      if (text == "null") return actual.bits == 0;
      return actual.bits == ExternToken(ParseBits(text));
    case ValType::kFuncRef:
      if (text == "null") return actual.bits == 0;
      return actual.bits != 0;  // the suite cannot name a specific function
    default:
      return false;
  }
}

std::string DescribeExpected(const nlohmann::json& expected) {
  std::string out = expected.at("type").get<std::string>() + ":";
  out += expected.contains("value") ? expected.at("value").get<std::string>() : "?";
  return out;
}

}  // namespace spindle::spectest
