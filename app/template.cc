#include "app/template.h"

namespace spindle::app {
namespace {

std::string_view Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

Result<std::vector<TemplatePart>> ParseTemplate(std::string_view text) {
  std::vector<TemplatePart> parts;
  while (!text.empty()) {
    const size_t open = text.find("{{");
    if (open == std::string_view::npos) {
      parts.push_back({false, std::string(text)});
      break;
    }
    if (open > 0) parts.push_back({false, std::string(text.substr(0, open))});
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return MakeError(Phase::kUsage, "unclosed '{{' in template \"" +
                                          std::string(text.substr(open)) + "\"");
    }
    const std::string_view expression = Trim(text.substr(open + 2, close - open - 2));
    if (expression.empty()) return MakeError(Phase::kUsage, "empty '{{ }}' in template");
    parts.push_back({true, std::string(expression)});
    text.remove_prefix(close + 2);
  }
  return parts;
}

bool HasTemplate(std::string_view text) { return text.find("{{") != std::string_view::npos; }

}  // namespace spindle::app
