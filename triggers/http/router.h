// The HTTP router: maps a request path to the trigger that handles it, with
// Spin's rules (Spin >= 2.5, routefinder-style trie). docs/routing.md states
// the rules and the precedence table; this header states the contracts.
//
// Built once at startup from the app model, then read-only: Match() is const,
// allocation-free except for the result (its path info and, for routes with
// `:param` segments, one vector of captures), and safe to call from any
// number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::http {

// Request paths under this prefix belong to Spin itself (health, info); the
// server answers them and the router never matches them.
inline constexpr std::string_view kWellKnownPrefix = "/.well-known/spin/";

// One routable trigger, as the router keeps it. Field comments name the §2.4
// metadata each value feeds.
struct RouteInfo {
  size_t trigger_index = 0;    // into App::http_triggers
  std::string trigger_id;      // App::http_triggers[i].id
  std::string component;       // the component id the trigger runs
  std::string raw_route;       // as written: spin-raw-component-route
  std::string component_route; // raw_route minus a trailing "/...": spin-component-route
  std::string based_route;     // sanitized base + route: spin-matched-route
  // based_route minus its wildcard suffix ("/..." or "/*"); equals
  // based_route for exact routes. "" for the root route and for "/...".
  std::string based_prefix;
  bool wildcard = false;       // ends in "/..." or "/*"
  std::vector<std::string> param_names;  // the `:name` segments, in route order
};

// One `:name` capture: a view of the route's parameter name (owned by the
// Router) and of the raw, still percent-encoded path text it bound.
struct PathCapture {
  std::string_view name;
  std::string_view value;
};

// The outcome of a successful Match(). Views point into the Router (which
// must outlive the match) and, for captures, into the path passed to Match()
// (which must outlive the match too).
struct RouteMatch {
  const RouteInfo* route = nullptr;  // never null in a returned match
  std::string_view base_path;        // spin-base-path: the app base, absolutised
  // spin-path-info: what the trailing wildcard captured, with Spin's slash
  // rules (docs/routing.md); always "" for an exact route. Not decoded.
  std::string path_info;
  std::vector<PathCapture> captures;  // in route order; empty without params

  size_t trigger_index() const { return route->trigger_index; }
  std::string_view matched_route() const { return route->based_route; }
  std::string_view raw_component_route() const { return route->raw_route; }
  std::string_view component_route() const { return route->component_route; }
};

class Router {
 public:
  // An empty router: matches nothing. Copyable and movable (the trie's node
  // type is private to router.cc, hence the out-of-line members).
  Router();
  ~Router();
  Router(const Router&);
  Router(Router&&) noexcept;
  Router& operator=(const Router&);
  Router& operator=(Router&&) noexcept;

  // Builds the trie from every non-private HTTP trigger of `app`, with routes
  // relative to `app.http_base`. Fails (Phase::kUsage, source = manifest
  // path) when a route is malformed (an unnamed `:`, a `*` that is not the
  // trailing wildcard) or when two triggers' routes occupy the same place
  // (e.g. "/a" and "a/", "/:x" and "/:y", "/p/..." and "/p/*"); the error
  // names both triggers. Keeps no reference to `app`.
  static Result<Router> Build(const app::App& app);

  // Routes a raw (percent-encoded) request path. Anything from the first '?'
  // on is ignored. Returns nullopt when no route matches and for reserved
  // paths (IsWellKnown), even if a route such as "/..." would cover them.
  std::optional<RouteMatch> Match(std::string_view path) const;

  // True for paths the server must answer itself: those starting with
  // "/.well-known/spin/" (exactly; "/.well-known/spin" is an ordinary path).
  static bool IsWellKnown(std::string_view path);

  // Every routable trigger, in manifest order (for the startup listing).
  const std::vector<RouteInfo>& routes() const { return routes_; }

  // Routes whose based route lies under kWellKnownPrefix: allowed, but they
  // never see those paths, so the caller should warn about them at startup.
  std::vector<const RouteInfo*> ShadowedWellKnownRoutes() const;

  // The app base as the router uses it ("/" by default).
  std::string_view base_path() const { return base_path_; }

 private:
  struct Node;
  struct Search;

  bool Visit(uint32_t node, size_t pos, Search& search) const;

  std::vector<RouteInfo> routes_;
  std::vector<Node> nodes_;  // nodes_[0] is the root once built
  std::string base_path_ = "/";
  size_t max_params_ = 0;
};

}  // namespace spindle::http
