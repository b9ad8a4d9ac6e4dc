#include "services/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "app/allowed_hosts.h"

namespace spindle::services {
namespace {

Error Bad(std::string reason) { return MakeError(Phase::kUsage, std::move(reason)); }

bool IsSchemeChar(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) return alpha;
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

// Characters that make a host ambiguous between parsers (WHATWG forbidden
// host code points, '%' included: percent-encoded hosts are not decoded).
bool IsBadHostChar(char c) {
  return static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f ||
         std::strchr("#%/:<>?@[\\]^|\"{}`", c) != nullptr;
}

}  // namespace

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string RedactUserinfo(std::string_view url) {
  const size_t sep = url.find("://");
  const size_t start = sep == std::string_view::npos ? 0 : sep + 3;
  const size_t end = std::min(url.find_first_of("/?#", start), url.size());
  const size_t at = url.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(url);
  return std::string(url.substr(0, start)) + "***@" + std::string(url.substr(at + 1));
}

std::string CanonicalIp(std::string_view host, uint8_t bytes[16], bool* v6) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string text(host);
  char buffer[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
    *v6 = false;
    return inet_ntop(AF_INET, bytes, buffer, sizeof buffer);
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    *v6 = true;
    return inet_ntop(AF_INET6, bytes, buffer, sizeof buffer);
  }
  return {};
}

Result<UrlTarget> ParseUrlTarget(std::string_view url, std::string_view default_scheme) {
  UrlTarget out;
  if (!url.empty() && url[0] == '/' && (url.size() == 1 || url[1] != '/')) {
    out.relative = true;
    return out;
  }
  std::string owned;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    if (default_scheme.empty()) return Bad("it is not an absolute URL (no scheme://)");
    owned = std::string(default_scheme) + "://" + std::string(url);
    url = owned;
    sep = default_scheme.size();
  }
  const std::string_view scheme = url.substr(0, sep);
  if (scheme.empty()) return Bad("the scheme is empty");
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (!IsSchemeChar(scheme[i], i == 0)) return Bad("the scheme is not valid");
  }
  out.scheme = Lowercase(scheme);
  std::string_view authority = url.substr(sep + 3);
  if (const size_t end = authority.find_first_of("/?#"); end != std::string_view::npos) {
    authority = authority.substr(0, end);
  }
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad("the IPv6 address has no closing ']'");
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Bad("unexpected text after the IPv6 address");
      port = after.substr(1);
      has_port = true;
    }
    uint8_t bytes[16];
    bool v6 = false;
    out.host = CanonicalIp(host, bytes, &v6);
    if (out.host.empty() || !v6) return Bad("the IPv6 address is not valid");
  } else {
    if (const size_t colon = authority.find(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      has_port = true;
    }
    if (host.empty()) return Bad("the URL has no host");
    for (char c : host) {
      if (IsBadHostChar(c)) return Bad("the host contains a character that is not allowed");
    }
    uint8_t bytes[16];
    bool v6 = false;
    out.host = CanonicalIp(host, bytes, &v6);
    if (out.host.empty()) out.host = Lowercase(host);
  }
  if (has_port && !port.empty()) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value > 65535) {
      return Bad("the port is not a number from 0 to 65535");
    }
    out.port = static_cast<uint16_t>(value);
  } else if (const std::optional<uint16_t> known = app::WellKnownPort(out.scheme)) {
    out.port = *known;
  } else {
    return Bad("no port was given and the scheme \"" + out.scheme + "\" has no well-known port");
  }
  return out;
}

}  // namespace spindle::services
