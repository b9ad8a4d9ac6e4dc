#include "triggers/http/cgi_response.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <string>

namespace spindle::triggers {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ValidHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    // RFC 9110 token characters.
    if (!(std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                                 std::string_view::npos)) {
      return false;
    }
  }
  return true;
}

bool ValidHeaderValue(std::string_view value) {
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

Result<HttpResponse> ParseCgiOutput(std::string_view output) {
  // Header mode drops carriage returns; the first "\n\n" ends the headers and
  // the rest is the body, verbatim. Without a blank line, everything is body.
  std::string head;
  size_t body_start = std::string_view::npos;
  for (size_t i = 0; i < output.size(); ++i) {
    const char c = output[i];
    if (c == '\r') continue;
    if (c == '\n' && !head.empty() && head.back() == '\n') {
      head.pop_back();
      body_start = i + 1;
      break;
    }
    head.push_back(c);
  }
  HttpResponse response;
  std::map<std::string, std::string> fields;  // duplicates: the last one wins
  if (body_start == std::string_view::npos) {
    response.body = std::string(output);
  } else {
    response.body = std::string(output.substr(body_start));
    std::string_view rest = Trim(head);
    while (!rest.empty()) {
      const size_t end = rest.find('\n');
      const std::string_view line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;  // Spin skips such lines
      fields[Lower(Trim(line.substr(0, colon)))] = std::string(Trim(line.substr(colon + 1)));
    }
  }

  bool sufficient = false;
  bool explicit_status = false;
  if (auto status = fields.find("status"); status != fields.end()) {
    sufficient = explicit_status = true;
    const std::string_view code_text =
        std::string_view(status->second).substr(0, status->second.find(' '));
    unsigned code = 0;
    const auto parsed = std::from_chars(code_text.data(), code_text.data() + code_text.size(), code);
    if (parsed.ec != std::errc() || parsed.ptr != code_text.data() + code_text.size() ||
        code < 100 || code > 999) {
      return HttpResponse::Empty(502);
    }
    response.status = code;
  }
  for (const auto& [name, value] : fields) {
    if (name == "status") continue;
    if (name == "content-type") sufficient = true;
    if (name == "location") {
      sufficient = true;
      if (!explicit_status) response.status = 302;
    }
    if (!ValidHeaderName(name) || !ValidHeaderValue(value)) continue;
    response.headers.emplace_back(name, value);
  }
  if (!sufficient) {
    HttpResponse error = HttpResponse::Empty(500);
    error.body = "Exactly one of 'location' or 'content-type' must be specified";
    return error;
  }
  return response;
}

}  // namespace spindle::triggers
