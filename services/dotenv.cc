#include "services/dotenv.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

namespace spindle::services {
namespace {

std::string_view Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

// The value part after '='; nullopt when a quote is not closed.
std::optional<std::string> ParseValue(std::string_view raw) {
  raw = Trim(raw);
  if (raw.empty()) return std::string();
  if (raw[0] == '\'') {
    const size_t close = raw.find('\'', 1);
    if (close == std::string_view::npos) return std::nullopt;
    return std::string(raw.substr(1, close - 1));
  }
  if (raw[0] == '"') {
    std::string out;
    for (size_t i = 1; i < raw.size(); ++i) {
      const char c = raw[i];
      if (c == '"') return out;
      if (c == '\\' && i + 1 < raw.size()) {
        const char next = raw[++i];
        out += next == 'n' ? '\n' : next == 't' ? '\t' : next == 'r' ? '\r' : next;
        continue;
      }
      out += c;
    }
    return std::nullopt;
  }
  if (const size_t comment = raw.find(" #"); comment != std::string_view::npos) {
    raw = Trim(raw.substr(0, comment));
  }
  return std::string(raw);
}

}  // namespace

Result<std::map<std::string, std::string>> ParseDotenv(std::string_view text,
                                                       const std::string& file) {
  std::map<std::string, std::string> out;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t newline = text.find('\n');
    std::string_view line = Trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.empty() || line[0] == '#') continue;
    if (line.substr(0, 7) == "export ") line = Trim(line.substr(7));
    const size_t equals = line.find('=');
    const std::string_view key = Trim(line.substr(0, equals));
    bool key_ok = equals != std::string_view::npos && !key.empty();
    for (char c : key) key_ok = key_ok && IsKeyChar(c);
    const std::string where = file + ":" + std::to_string(line_number) + ": ";
    if (!key_ok) {
      return MakeError(Phase::kUsage, where + "expected KEY=VALUE");
    }
    std::optional<std::string> value = ParseValue(line.substr(equals + 1));
    if (!value) {
      return MakeError(Phase::kUsage,
                       where + "the value of " + std::string(key) + " has an unclosed quote");
    }
    out[std::string(key)] = std::move(*value);
  }
  return out;
}

Result<std::map<std::string, std::string>> ReadDotenv(const std::filesystem::path& path,
                                                      bool missing_ok) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    if (missing_ok) return std::map<std::string, std::string>();
    return MakeError(Phase::kIo, path.string() + ": dotenv file not found");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(Phase::kIo, path.string() + ": cannot read the dotenv file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseDotenv(buffer.str(), path.string());
}

}  // namespace spindle::services
