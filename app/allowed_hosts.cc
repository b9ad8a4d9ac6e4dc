#include "app/allowed_hosts.h"

#include <arpa/inet.h>

#include <charconv>
#include <optional>

namespace spindle::app {
namespace {

constexpr std::string_view kAllowAll = "insecure:allow-all";

Error Invalid(std::string reason) { return MakeError(Phase::kUsage, std::move(reason)); }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<uint16_t> ParsePort(std::string_view text) {
  unsigned value = 0;
  if (text.empty()) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

// Characters a URL host may not contain (WHATWG "forbidden host code points"
// plus whitespace and '%').
bool IsForbiddenHostChar(char c) {
  return static_cast<unsigned char>(c) <= ' ' || std::string_view("#%/:<>?@[\\]^|").find(c) !=
                                                     std::string_view::npos;
}

struct HttpHost {
  std::string host;  // lower-cased; IPv6 in brackets
  std::optional<uint16_t> port;
};

// One `allowed_http_hosts` entry: "host", "host:port" or "http(s)://host[:port][/]".
Result<HttpHost> ParseHttpHost(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::string_view rest = text;
  std::string scheme = "http";
  if (const size_t sep = text.find("//"); sep != std::string_view::npos) {
    scheme = Lower(text.substr(0, sep));
    if (scheme != "http:" && scheme != "https:") {
      return Invalid(quoted + " isn't a valid host or host:port string");
    }
    scheme.pop_back();
    rest = text.substr(sep + 2);
  }
  const size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    if (rest.substr(slash) != "/") {
      return Invalid(quoted + " contains a path, should be host and optional port only");
    }
    rest = rest.substr(0, slash);
  }
  HttpHost out;
  std::string_view host = rest;
  std::string_view port;
  bool has_port = false;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return Invalid(quoted + " has an unclosed '['");
    host = rest.substr(0, close + 1);
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Invalid(quoted + " isn't a valid host or host:port string");
      port = after.substr(1);
      has_port = true;
    }
    in6_addr address;
    const std::string inner(host.substr(1, host.size() - 2));
    if (inet_pton(AF_INET6, inner.c_str(), &address) != 1) {
      return Invalid(quoted + " has an invalid IPv6 address");
    }
  } else if (const size_t colon = rest.find(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) return Invalid(quoted + " doesn't contain a host name");
  if (host[0] != '[') {
    for (char c : host) {
      if (IsForbiddenHostChar(c)) return Invalid(quoted + " isn't a valid host or host:port string");
    }
  }
  out.host = Lower(host);
  if (has_port && !port.empty()) {
    out.port = ParsePort(port);
    if (!out.port) return Invalid(quoted + " has an invalid port");
    if (out.port == WellKnownPort(scheme)) out.port.reset();
  }
  return out;
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsCidr(std::string_view host) {
  const size_t slash = host.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string address(host.substr(0, slash));
  const std::string_view bits_text = host.substr(slash + 1);
  unsigned bits = 0;
  const auto [end, error] =
      std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
  if (bits_text.empty() || error != std::errc() || end != bits_text.data() + bits_text.size()) {
    return false;
  }
  unsigned char buffer[16];
  if (inet_pton(AF_INET, address.c_str(), buffer) == 1) return bits <= 32;
  if (inet_pton(AF_INET6, address.c_str(), buffer) == 1) return bits <= 128;
  return false;
}

Status ValidateScheme(std::string_view scheme) {
  if (scheme == "*") return Ok();
  if (!scheme.empty() && scheme[0] == '{') return Invalid("scheme lists are not yet supported");
  if (scheme.empty()) return Invalid("the scheme is empty");
  for (char c : scheme) {
    if (!IsAlpha(c)) {
      return Invalid("scheme \"" + std::string(scheme) + "\" contains a non-alphabetic character");
    }
  }
  return Ok();
}

Status ValidateHost(std::string_view host) {
  if (host == "*" || host == "self") return Ok();
  if (!host.empty() && host[0] == '{') return Invalid("host lists are not yet supported");
  if (IsCidr(host)) return Ok();
  if (const size_t slash = host.find('/'); slash != std::string_view::npos) {
    const std::string_view path = host.substr(slash + 1);
    if (!path.empty()) return Invalid("hosts must not contain paths");
    host = host.substr(0, slash);
  }
  if (host.empty()) return Invalid("the host is empty");
  std::string_view name = host;
  if (host.substr(0, 2) == "*.") name = host.substr(2);
  if (name.find('*') != std::string_view::npos) {
    return Invalid("host \"" + std::string(host) +
                   "\": a wildcard is allowed only as a whole host or a '*.' prefix");
  }
  if (name.empty()) return Invalid("the host is empty");
  if (name[0] == '[') {
    in6_addr address;
    if (name.back() != ']' ||
        inet_pton(AF_INET6, std::string(name.substr(1, name.size() - 2)).c_str(), &address) != 1) {
      return Invalid("host \"" + std::string(host) + "\" is not a valid IPv6 address");
    }
    return Ok();
  }
  for (char c : name) {
    if (IsForbiddenHostChar(c)) {
      return Invalid("host \"" + std::string(host) + "\" contains an invalid character");
    }
  }
  return Ok();
}

Status ValidatePort(std::string_view port, std::string_view scheme) {
  if (port.empty()) {
    if (WellKnownPort(scheme)) return Ok();
    return Invalid("no port was given and the scheme \"" + std::string(scheme) +
                   "\" has no well-known port");
  }
  if (port == "*") return Ok();
  if (port[0] == '{') return Invalid("port lists are not yet supported");
  if (const size_t dots = port.find(".."); dots != std::string_view::npos) {
    if (!ParsePort(port.substr(0, dots)) || !ParsePort(port.substr(dots + 2))) {
      return Invalid("port range \"" + std::string(port) + "\" is not two numbers");
    }
    return Ok();
  }
  if (!ParsePort(port)) return Invalid("port \"" + std::string(port) + "\" is not a number");
  return Ok();
}

}  // namespace

std::optional<uint16_t> WellKnownPort(std::string_view scheme) {
  if (scheme == "postgres") return 5432;
  if (scheme == "mysql") return 3306;
  if (scheme == "redis") return 6379;
  if (scheme == "mqtt") return 1883;
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return std::nullopt;
}

Result<std::vector<std::string>> ConvertAllowedHttpHosts(const std::vector<std::string>& hosts,
                                                         size_t* bad_index) {
  std::vector<std::string> out;
  for (const std::string& host : hosts) {
    if (host == kAllowAll) return std::vector<std::string>{"http://*:*", "https://*:*", "http://self"};
  }
  for (size_t i = 0; i < hosts.size(); ++i) {
    Result<HttpHost> parsed = ParseHttpHost(hosts[i]);
    if (!parsed.ok()) {
      *bad_index = i;
      return std::move(parsed).error();
    }
    if (parsed->host == "self") {
      out.push_back("http://self");
      continue;
    }
    const std::string port = parsed->port ? ":" + std::to_string(*parsed->port) : "";
    out.push_back("http://" + parsed->host + port);
    out.push_back("https://" + parsed->host + port);
  }
  return out;
}

std::vector<std::string> LegacyDatabaseHosts() {
  return {"redis://*:*", "mysql://*:*", "postgres://*:*"};
}

Status ValidateOutboundHost(std::string_view entry) {
  const size_t begin = entry.find_first_not_of(" \t");
  const size_t end = entry.find_last_not_of(" \t");
  entry = begin == std::string_view::npos ? std::string_view() : entry.substr(begin, end - begin + 1);
  if (entry == kAllowAll) {
    return Invalid("it is not allowed here; use '*://*:*' to allow all outbound traffic");
  }
  const size_t sep = entry.find("://");
  if (sep == std::string_view::npos) {
    return Invalid("it has no scheme (e.g. 'http://' or '*://')");
  }
  const std::string_view scheme = entry.substr(0, sep);
  const std::string_view rest = entry.substr(sep + 3);
  std::string_view host = rest;
  std::string_view port_and_path;
  if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port_and_path = rest.substr(colon + 1);
  }
  std::string_view port = port_and_path;
  if (const size_t slash = port_and_path.find('/'); slash != std::string_view::npos) {
    if (slash + 1 != port_and_path.size()) {
      return Invalid("it has a path, which is not allowed");
    }
    port = port_and_path.substr(0, slash);
  }
  SPINDLE_TRY(ValidateScheme(scheme));
  SPINDLE_TRY(ValidateHost(host));
  return ValidatePort(port, scheme);
}

}  // namespace spindle::app
