// wast2json's value notation: {"type": "f32", "value": "1065353216"} with
// integers and float bits as unsigned decimal strings, "nan:canonical" and
// "nan:arithmetic" patterns, and references as "null" or a number.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/rt/value.h"

namespace spindle::spectest {

// An externref N from the suite is the token N + 1 (0 is null).
inline uint64_t ExternToken(uint64_t n) { return n + 1; }

std::optional<Value> ParseValue(const nlohmann::json& json);

// Whether `actual` satisfies `expected` (which may be a NaN pattern).
bool Matches(const nlohmann::json& expected, const Value& actual);

std::string DescribeExpected(const nlohmann::json& expected);

}  // namespace spindle::spectest
