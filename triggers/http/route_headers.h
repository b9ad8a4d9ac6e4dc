// The request metadata Spin hands a component along with each request
// (spin-compat §2.4): as `spin-*` headers for the Spin and wasi-http
// executors, and under CGI-style names as environment variables for WAGI.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "triggers/http/router.h"

namespace spindle::http {

// A metadata item's two names: the header (lower case, '-') and the WAGI
// environment variable.
struct MetadataName {
  std::string_view header;
  std::string_view wagi_env;
};

inline constexpr MetadataName kPathInfo{"spin-path-info", "PATH_INFO"};
inline constexpr MetadataName kFullUrl{"spin-full-url", "X_FULL_URL"};
inline constexpr MetadataName kMatchedRoute{"spin-matched-route", "X_MATCHED_ROUTE"};
inline constexpr MetadataName kBasePath{"spin-base-path", "X_BASE_PATH"};
inline constexpr MetadataName kRawComponentRoute{"spin-raw-component-route",
                                                 "X_RAW_COMPONENT_ROUTE"};
inline constexpr MetadataName kComponentRoute{"spin-component-route", "X_COMPONENT_ROUTE"};
inline constexpr MetadataName kClientAddr{"spin-client-addr", "X_CLIENT_ADDR"};

// What the metadata needs from the request besides the route match.
struct RequestContext {
  std::string_view scheme = "http";  // of the listener: "http" or "https"
  std::string_view host;             // the Host header as sent; empty if absent
  std::string_view path_and_query;   // the request target, raw, e.g. "/a/b?x=1"
  std::string_view client_addr;      // TCP peer as "ip:port"
};

struct MetadataEntry {
  std::string header;    // e.g. "spin-path-match-userid"
  std::string wagi_env;  // e.g. "X_PATH_MATCH_USERID"
  std::string value;
};

// The §2.4 list in Spin's order: path-info, full-url, matched-route,
// base-path, raw-component-route, component-route, client-addr, then one
// entry per distinct `:name` in route order (a repeated name keeps its last
// value). full-url is "{scheme}://{host or 'localhost'}{path_and_query}".
// For `:name` the header is "spin-path-match-" + name lower-cased with '_'
// turned into '-', and the variable "X_PATH_MATCH_" + name upper-cased,
// exactly as Spin derives them.
std::vector<MetadataEntry> RouteMetadata(const RouteMatch& match, const RequestContext& request);

}  // namespace spindle::http
