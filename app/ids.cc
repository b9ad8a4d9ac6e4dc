#include "app/ids.h"

#include <algorithm>

namespace spindle::app {
namespace {

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string CheckId(std::string_view id, char delimiter, bool lower_only) {
  if (id.empty()) return "it is empty";
  const std::string delim = std::string("'") + delimiter + "'";
  size_t start = 0;
  while (true) {
    const size_t end = std::min(id.find(delimiter, start), id.size());
    const std::string_view word = id.substr(start, end - start);
    if (word.empty()) return delim + "-separated words must not be empty";
    if (!IsUpper(word[0]) && !IsLower(word[0])) {
      return delim + "-separated words must start with an ASCII letter";
    }
    const bool upper = IsUpper(word[0]);
    if (upper && lower_only) return "it must be all lower-case";
    for (char c : word.substr(1)) {
      if (IsDigit(c)) continue;
      if (!IsUpper(c) && !IsLower(c)) {
        return delim + "-separated words may only contain ASCII letters and digits";
      }
      if (IsUpper(c) != upper) {
        return delim + "-separated words must be all lower-case or all upper-case";
      }
    }
    if (end == id.size()) return "";
    start = end + 1;
  }
}

}  // namespace

std::string CheckKebabId(std::string_view id) { return CheckId(id, '-', false); }
std::string CheckSnakeId(std::string_view id) { return CheckId(id, '_', false); }
std::string CheckLowerSnakeId(std::string_view id) { return CheckId(id, '_', true); }

bool IsKebabOrSnakeId(std::string_view id) {
  return CheckKebabId(id).empty() || CheckSnakeId(id).empty();
}

bool IsSpin1ComponentId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!IsUpper(c) && !IsLower(c) && !IsDigit(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string KebabFromV1Id(std::string_view id) {
  if (CheckKebabId(id).empty()) return std::string(id);
  std::string out(id);
  for (char& c : out) {
    if (c == '_') c = '-';
    if (IsUpper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace spindle::app
