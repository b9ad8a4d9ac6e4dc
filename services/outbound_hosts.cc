#include "services/outbound_hosts.h"

#include <charconv>
#include <cstring>

#include "app/allowed_hosts.h"
#include "services/url.h"
#include "services/variables.h"

namespace spindle::services {
namespace {

using Pattern = OutboundHosts::Pattern;

Error Invalid(const std::string& entry, const std::string& reason) {
  return MakeError(Phase::kUsage,
                   "invalid allowed_outbound_hosts entry \"" + entry + "\": " + reason);
}

std::optional<uint32_t> ParsePortNumber(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > 65535) {
    return std::nullopt;
  }
  return value;
}

// Fills the port fields from "", "*", "N" or "A..B".
bool ParsePortSpec(std::string_view port, const std::string& scheme, Pattern* out) {
  if (port.empty()) {
    const std::optional<uint16_t> known = app::WellKnownPort(scheme);
    if (!known) return false;
    out->port_begin = *known;
    out->port_end = *known + 1u;
    return true;
  }
  if (port == "*") {
    out->any_port = true;
    return true;
  }
  if (const size_t dots = port.find(".."); dots != std::string_view::npos) {
    const std::optional<uint32_t> begin = ParsePortNumber(port.substr(0, dots));
    const std::optional<uint32_t> end = ParsePortNumber(port.substr(dots + 2));
    if (!begin || !end) return false;
    out->port_begin = *begin;
    out->port_end = *end;
    return true;
  }
  const std::optional<uint32_t> single = ParsePortNumber(port);
  if (!single) return false;
  out->port_begin = *single;
  out->port_end = *single + 1;
  return true;
}

bool ParseHostSpec(std::string_view host, Pattern* out) {
  if (host == "*") {
    out->host_kind = Pattern::Host::kAny;
    return true;
  }
  if (host == "self") {
    out->host_kind = Pattern::Host::kSelf;
    return true;
  }
  if (const size_t slash = host.find('/'); slash != std::string_view::npos) {
    bool v6 = false;
    if (CanonicalIp(host.substr(0, slash), out->network, &v6).empty()) return false;
    const std::optional<uint32_t> bits = ParsePortNumber(host.substr(slash + 1));
    if (!bits || *bits > (v6 ? 128u : 32u)) return false;
    out->host_kind = Pattern::Host::kCidr;
    out->cidr_v6 = v6;
    out->prefix_bits = static_cast<int>(*bits);
    return true;
  }
  if (host.substr(0, 2) == "*.") {
    out->host_kind = Pattern::Host::kSuffix;
    out->host = Lowercase(host.substr(1));
    return true;
  }
  uint8_t bytes[16];
  bool v6 = false;
  out->host_kind = Pattern::Host::kExact;
  out->host = CanonicalIp(host, bytes, &v6);
  if (out->host.empty()) out->host = Lowercase(host);
  return true;
}

Result<Pattern> ParsePattern(const std::string& entry) {
  if (Status valid = app::ValidateOutboundHost(entry); !valid.ok()) {
    return Invalid(entry, valid.error().message);
  }
  std::string_view text = entry;
  const size_t begin = text.find_first_not_of(" \t");
  const size_t last = text.find_last_not_of(" \t");
  text = text.substr(begin, last - begin + 1);
  if (!text.empty() && text.back() == '/') text.remove_suffix(1);
  Pattern out;
  out.text = entry;
  const size_t sep = text.find("://");
  out.scheme = Lowercase(text.substr(0, sep));
  const std::string_view rest = text.substr(sep + 3);
  std::string_view host = rest;
  std::string_view port;
  // A bracketed IPv6 host may hold colons; otherwise the last colon starts
  // the port, as in the manifest validator.
  const size_t search_from = (!rest.empty() && rest[0] == '[') ? rest.find(']') : 0;
  if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos &&
                                            search_from != std::string_view::npos &&
                                            colon > search_from) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (!ParseHostSpec(host, &out)) return Invalid(entry, "the host is not valid");
  if (!ParsePortSpec(port, out.scheme, &out)) {
    return Invalid(entry, port.empty() ? "no port and the scheme has no well-known port"
                                       : "the port is not valid");
  }
  return out;
}

bool InNetwork(const Pattern& pattern, std::string_view host) {
  uint8_t bytes[16];
  bool v6 = false;
  if (CanonicalIp(host, bytes, &v6).empty() || v6 != pattern.cidr_v6) return false;
  int bits = pattern.prefix_bits;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((bytes[i] & mask) != (pattern.network[i] & mask)) return false;
  }
  return true;
}

bool SchemeMatches(const Pattern& pattern, std::string_view scheme) {
  return pattern.scheme == "*" || pattern.scheme == scheme;
}

bool PortMatches(const Pattern& pattern, uint32_t port) {
  return pattern.any_port || (port >= pattern.port_begin && port < pattern.port_end);
}

std::string StripBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  uint8_t bytes[16];
  bool v6 = false;
  std::string canonical = CanonicalIp(host, bytes, &v6);
  return canonical.empty() ? Lowercase(host) : canonical;
}

std::string Authority(std::string_view host, uint16_t port, std::string_view scheme) {
  const bool v6 = host.find(':') != std::string_view::npos;
  std::string out = v6 ? "[" + std::string(host) + "]" : std::string(host);
  if (app::WellKnownPort(scheme) != port) out += ":" + std::to_string(port);
  return out;
}

}  // namespace

Result<OutboundHosts> OutboundHosts::Create(const std::vector<std::string>& entries,
                                            OutboundHostsOptions options) {
  OutboundHosts out;
  for (const std::string& entry : entries) {
    SPINDLE_ASSIGN_OR_RETURN(Pattern pattern, ParsePattern(entry));
    out.patterns_.push_back(std::move(pattern));
  }
  if (!options.self_origin.empty()) {
    Result<UrlTarget> self = ParseUrlTarget(options.self_origin, "");
    if (!self.ok() || self->relative) {
      return MakeError(Phase::kUsage, "the app's own address \"" + options.self_origin +
                                          "\" is not an absolute URL");
    }
    out.self_scheme_ = self->scheme;
    out.self_host_ = self->host;
    out.self_port_ = self->port;
  }
  out.options_ = std::move(options);
  return out;
}

Result<OutboundHosts> OutboundHosts::ForComponent(const app::Component& component,
                                                  const Variables& variables,
                                                  std::string self_origin) {
  std::vector<std::string> entries;
  for (const std::string& entry : component.allowed_outbound_hosts) {
    Result<std::string> rendered = variables.Render(entry);
    if (!rendered.ok()) {
      return MakeError(Phase::kUsage, component.allowed_outbound_hosts_where.ToString() +
                                          ": component '" + component.id +
                                          "': allowed_outbound_hosts entry \"" + entry +
                                          "\": " + rendered.error().message);
    }
    Result<Pattern> parsed = ParsePattern(*rendered);
    if (!parsed.ok()) {
      // Quote what was written rather than what it became if a secret
      // went into it.
      const std::string shown = variables.ReferencesSecret(entry) ? entry : *rendered;
      return MakeError(Phase::kUsage,
                       component.allowed_outbound_hosts_where.ToString() + ": component '" +
                           component.id + "': allowed_outbound_hosts entry \"" + entry +
                           (shown == entry ? "" : "\" (rendered \"" + shown + "\")") +
                           "\" is not valid after resolving its variables");
    }
    entries.push_back(std::move(*rendered));
  }
  OutboundHostsOptions options;
  options.component_id = component.id;
  options.where = component.allowed_outbound_hosts_where;
  options.self_origin = std::move(self_origin);
  return Create(entries, std::move(options));
}

bool OutboundHosts::IsRelative(std::string_view url) {
  return !url.empty() && url[0] == '/' && (url.size() == 1 || url[1] != '/');
}

HostCheck OutboundHosts::Check(std::string_view url, std::string_view default_scheme) const {
  Result<UrlTarget> target = ParseUrlTarget(url, default_scheme);
  if (!target.ok()) {
    return {false, "outbound request from component '" + options_.component_id + "' to '" +
                       RedactUserinfo(url) + "' denied: " + target.error().message};
  }
  if (!target->relative) return CheckParts(target->scheme, target->host, target->port, url);
  const std::string& scheme = self_scheme_;
  for (const Pattern& pattern : patterns_) {
    const bool host_ok =
        pattern.host_kind == Pattern::Host::kSelf || pattern.host_kind == Pattern::Host::kAny;
    if (host_ok && SchemeMatches(pattern, scheme)) return {true, ""};
  }
  return {false, "outbound request from component '" + options_.component_id + "' to '" +
                     RedactUserinfo(url) + "' (the app itself) denied by allowed_outbound_hosts (" +
                     options_.where.ToString() + "); add \"" + scheme + "://self\" to allow it"};
}

HostCheck OutboundHosts::CheckParts(std::string_view scheme_in, std::string_view host_in,
                                    uint16_t port, std::string_view url_for_messages) const {
  const std::string scheme = Lowercase(scheme_in);
  const std::string host = StripBrackets(host_in);
  const bool is_self =
      !self_host_.empty() && self_scheme_ == scheme && self_host_ == host && self_port_ == port;
  for (const Pattern& pattern : patterns_) {
    if (!SchemeMatches(pattern, scheme)) continue;
    bool host_ok = false;
    switch (pattern.host_kind) {
      case Pattern::Host::kAny:
        host_ok = true;
        break;
      case Pattern::Host::kSelf:
        host_ok = is_self;
        break;
      case Pattern::Host::kCidr:
        host_ok = InNetwork(pattern, host);
        break;
      case Pattern::Host::kSuffix:
        host_ok =
            host.size() > pattern.host.size() &&
            host.compare(host.size() - pattern.host.size(), std::string::npos, pattern.host) == 0;
        break;
      case Pattern::Host::kExact:
        host_ok = host == pattern.host;
        break;
    }
    if (!host_ok) continue;
    // The listener's own port is whatever it is; `self` names the app, not a port.
    if (pattern.host_kind == Pattern::Host::kSelf || PortMatches(pattern, port)) return {true, ""};
  }
  const std::string suggestion = scheme + "://" + Authority(host, port, scheme);
  return {false, "outbound request from component '" + options_.component_id + "' to '" +
                     RedactUserinfo(url_for_messages) + "' denied: " + suggestion +
                     " is not in allowed_outbound_hosts (" + options_.where.ToString() +
                     "); add \"" + suggestion + "\" to allow it"};
}

}  // namespace spindle::services
