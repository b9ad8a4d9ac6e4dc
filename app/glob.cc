#include "app/glob.h"

#include <vector>

namespace spindle::app {
namespace {

enum class TokenKind {
  kLiteral,
  kAnyChar,
  kStar,
  kClass,
  kAnyDirs,  // "**/": zero or more whole segments
  kAnyTail,  // a final "**": anything at all
};

struct Token {
  TokenKind kind = TokenKind::kLiteral;
  char literal = 0;
  bool negated = false;
  std::vector<std::pair<char, char>> ranges;  // kClass: inclusive ranges
};

// Returns the reason the pattern is malformed, or empty on success.
std::string Tokenize(std::string_view pattern, std::vector<Token>* out) {
  size_t i = 0;
  while (i < pattern.size()) {
    const bool segment_start = i == 0 || pattern[i - 1] == '/';
    const char c = pattern[i];
    if (c == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      const size_t after = i + 2;
      if (!segment_start || (after < pattern.size() && pattern[after] != '/')) {
        return "'**' must be a whole path segment";
      }
      Token token;
      token.kind = after < pattern.size() ? TokenKind::kAnyDirs : TokenKind::kAnyTail;
      out->push_back(token);
      i = after < pattern.size() ? after + 1 : after;
      continue;
    }
    Token token;
    if (c == '*') {
      token.kind = TokenKind::kStar;
      ++i;
    } else if (c == '?') {
      token.kind = TokenKind::kAnyChar;
      ++i;
    } else if (c == '[') {
      token.kind = TokenKind::kClass;
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '!') {
        token.negated = true;
        ++j;
      }
      bool first = true;
      while (j < pattern.size() && (first || pattern[j] != ']')) {
        first = false;
        char low = pattern[j];
        char high = low;
        if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
          high = pattern[j + 2];
          j += 2;
        }
        if (high < low) return "invalid range in character class";
        token.ranges.emplace_back(low, high);
        ++j;
      }
      if (j >= pattern.size()) return "unclosed character class '['";
      i = j + 1;
    } else {
      token.literal = c;
      ++i;
    }
    out->push_back(std::move(token));
  }
  return "";
}

class Matcher {
 public:
  Matcher(const std::vector<Token>& tokens, std::string_view text, GlobSlash slash)
      : tokens_(tokens),
        text_(text),
        crosses_slash_(slash == GlobSlash::kText),
        memo_((tokens.size() + 1) * (text.size() + 1), kUnknown) {}

  bool Match(size_t t, size_t i) {
    char& memo = memo_[t * (text_.size() + 1) + i];
    if (memo == kUnknown) memo = Compute(t, i) ? kYes : kNo;
    return memo == kYes;
  }

 private:
  static constexpr char kUnknown = 0, kYes = 1, kNo = 2;

  bool OneChar(size_t i) const { return i < text_.size() && (crosses_slash_ || text_[i] != '/'); }

  bool Compute(size_t t, size_t i) {
    if (t == tokens_.size()) return i == text_.size();
    const Token& token = tokens_[t];
    switch (token.kind) {
      case TokenKind::kLiteral:
        return i < text_.size() && text_[i] == token.literal && Match(t + 1, i + 1);
      case TokenKind::kAnyChar:
        return OneChar(i) && Match(t + 1, i + 1);
      case TokenKind::kClass: {
        if (!OneChar(i)) return false;
        bool in = false;
        for (const auto& [low, high] : token.ranges) in = in || (text_[i] >= low && text_[i] <= high);
        return in != token.negated && Match(t + 1, i + 1);
      }
      case TokenKind::kStar:
        return Match(t + 1, i) || (OneChar(i) && Match(t, i + 1));
      case TokenKind::kAnyDirs:
        if (Match(t + 1, i)) return true;
        for (size_t k = i; k < text_.size(); ++k) {
          if (text_[k] == '/' && Match(t + 1, k + 1)) return true;
        }
        return false;
      case TokenKind::kAnyTail:
        return true;
    }
    return false;
  }

  const std::vector<Token>& tokens_;
  std::string_view text_;
  bool crosses_slash_;
  std::vector<char> memo_;
};

}  // namespace

bool LooksLikeGlob(std::string_view text) {
  return text.find_first_of("*?[]") != std::string_view::npos;
}

Status ValidateGlob(std::string_view pattern) {
  std::vector<Token> tokens;
  const std::string reason = Tokenize(pattern, &tokens);
  if (!reason.empty()) return MakeError(Phase::kUsage, reason);
  return Ok();
}

bool GlobMatch(std::string_view pattern, std::string_view path, GlobSlash slash) {
  std::vector<Token> tokens;
  if (!Tokenize(pattern, &tokens).empty()) return false;
  return Matcher(tokens, path, slash).Match(0, 0);
}

}  // namespace spindle::app
