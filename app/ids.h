// Spin's identifier rules (spin-compat.md §1.3). An id is one or more words
// joined by a single delimiter; each word starts with an ASCII letter, holds
// only ASCII letters and digits, and is all lower-case or all UPPER-case.
#pragma once

#include <string>
#include <string_view>

namespace spindle::app {

// Each returns an empty string when `id` is valid, else the reason it is not
// ("words must not be empty", ...), for use in an error message.
std::string CheckKebabId(std::string_view id);       // component ids, ai_models
std::string CheckSnakeId(std::string_view id);       // words joined by '_'
std::string CheckLowerSnakeId(std::string_view id);  // variable names: lower-case only

// A kebab-case or snake_case label (key_value_stores, sqlite_databases in v2).
bool IsKebabOrSnakeId(std::string_view id);

// Spin 1's rule for v1 component ids: non-empty ASCII letters, digits, '-'
// and '_' ("redirect-sip-001" is one, though not a kebab id).
bool IsSpin1ComponentId(std::string_view id);

// The v1 -> v2 id conversion: valid kebab ids are kept; otherwise '_'
// becomes '-' and letters are lowered. The result may still be invalid.
std::string KebabFromV1Id(std::string_view id);

}  // namespace spindle::app
