// Matching outbound URLs against a component's `allowed_outbound_hosts`
// (spin-compat.md §1.6). The manifest loader has already validated literal
// entries, converted `allowed_http_hosts` and added the v1 database
// defaults; this file resolves `{{ var }}` templates and answers "may this
// component connect to this URL?".
//
// Thread safety: an OutboundHosts is immutable after Create; Check and
// Allows may be called from any number of threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::services {

class Variables;

struct OutboundHostsOptions {
  std::string component_id;  // for messages
  // Where the component's `allowed_outbound_hosts` (or `allowed_http_hosts`)
  // was written; named in every denial.
  app::SourcePosition where;
  // The app's own listener, e.g. "http://127.0.0.1:3000". A URL on exactly
  // this scheme, host and port matches a `self` entry, as do relative URLs.
  // Empty: only relative URLs are "self".
  std::string self_origin;
};

// The outcome of one check. `message` is empty when allowed; otherwise it
// names the URL, the component, the manifest position and the entry that
// would allow the request.
struct HostCheck {
  bool allowed = false;
  std::string message;
};

class OutboundHosts {
 public:
  // An OutboundHosts that allows nothing (a component with no entries).
  OutboundHosts() = default;

  // Parses template-free entries ("scheme://host[:port]"). An entry that
  // does not match the grammar is an error naming it, as is a self_origin
  // that is not an absolute URL.
  static Result<OutboundHosts> Create(const std::vector<std::string>& entries,
                                      OutboundHostsOptions options);

  // Resolves the component's templated entries against the app variables,
  // then Create. Errors never show the value of a secret variable: an entry
  // built from one is quoted as written (with its `{{ }}`).
  static Result<OutboundHosts> ForComponent(const app::Component& component,
                                            const Variables& variables, std::string self_origin);

  // Checks an absolute URL ("https://api.example.com/x", "redis://h:6380/0",
  // "[::1]:80" style authority-only forms get `default_scheme`), or a
  // relative one ("/path", which is a request to `self`). A URL that does
  // not parse is denied with a message saying so. The port defaults to the
  // scheme's well-known one (http 80, https 443, redis 6379, ...).
  HostCheck Check(std::string_view url, std::string_view default_scheme = "") const;
  bool Allows(std::string_view url, std::string_view default_scheme = "") const {
    return Check(url, default_scheme).allowed;
  }

  // The same for a URL another parser (libcurl's) has already split, so the
  // host checked is exactly the host connected to. `host` may be an IPv6
  // literal with or without brackets.
  HostCheck CheckParts(std::string_view scheme, std::string_view host, uint16_t port,
                       std::string_view url_for_messages) const;

  // True if `url` is relative (it would go to the app itself).
  static bool IsRelative(std::string_view url);
  const std::string& self_origin() const { return options_.self_origin; }

  // One parsed entry.
  struct Pattern {
    enum class Host { kAny, kSelf, kCidr, kSuffix, kExact };
    std::string text;    // the entry as given
    std::string scheme;  // lower-case, or "*"
    Host host_kind = Host::kAny;
    std::string host;      // kExact: lower-case name or canonical IP; kSuffix: ".domain"
    bool cidr_v6 = false;  // kCidr
    uint8_t network[16] = {};
    int prefix_bits = 0;
    bool any_port = false;
    uint32_t port_begin = 0;  // half-open [port_begin, port_end)
    uint32_t port_end = 0;
  };

 private:
  std::vector<Pattern> patterns_;
  OutboundHostsOptions options_;
  // options_.self_origin, parsed once; self_host_ empty when there is none.
  std::string self_scheme_ = "http";
  std::string self_host_;
  uint16_t self_port_ = 0;
};

}  // namespace spindle::services
