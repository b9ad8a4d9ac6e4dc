// Private to services/: the parts of an outbound URL that allowed-hosts
// matching needs. Not a general URL parser: it finds scheme, host and port
// and rejects what it cannot read unambiguously.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace spindle::services {

struct UrlTarget {
  bool relative = false;  // "/path": a request to the app itself
  std::string scheme;     // lower-case; empty when relative
  std::string host;       // lower-case; IPv6 without brackets, canonical form
  uint16_t port = 0;      // explicit, else the scheme's well-known port
};

// Parses "scheme://[userinfo@]host[:port][/...]", or "/..." (relative). A
// URL without "://" is read as "<default_scheme>://<url>" when a default is
// given. An absolute URL whose scheme has no well-known port must name one.
Result<UrlTarget> ParseUrlTarget(std::string_view url, std::string_view default_scheme);

// The host's canonical text if it is an IPv4 or IPv6 literal (brackets
// allowed), else empty. Fills `bytes` (4 or 16 used) and `v6`.
std::string CanonicalIp(std::string_view host, uint8_t bytes[16], bool* v6);

std::string Lowercase(std::string_view text);

// `url` as a log line may show it: "user:password@" becomes "***@".
std::string RedactUserinfo(std::string_view url);

}  // namespace spindle::services
