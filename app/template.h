// Spin's `{{ expr }}` templates (spin-compat.md §1.8): literal text with
// expression parts naming application variables. No escaping; an opening
// `{{` without a closing `}}` is an error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"

namespace spindle::app {

struct TemplatePart {
  bool is_expression = false;
  std::string text;  // literal text, or the trimmed expression (a variable name)
};

// Splits `text` into parts. The error's message is the reason alone (no
// position); callers add where the template was written.
Result<std::vector<TemplatePart>> ParseTemplate(std::string_view text);

// True if `text` contains an expression part (it may still be malformed).
bool HasTemplate(std::string_view text);

}  // namespace spindle::app
