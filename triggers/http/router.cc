#include "triggers/http/router.h"

#include <algorithm>
#include <utility>

namespace spindle::http {

// The trie has one edge per route segment (the text between '/'). Inside a
// segment, '.' splits the route into atoms, each static text or a `:param`.
// A segment without params is keyed by its whole text; a segment with params
// is a pattern matched the way Spin's routefinder 0.5 matches it: a param
// followed by '.' binds up to the next '.', a param that ends the segment
// binds the rest of the path segment, dots included. At one node the order
// is: static edge, pattern edges (static atoms before params, longer patterns
// before their prefixes), then the trailing wildcard, depth first with
// backtracking.
namespace {

struct Atom {
  bool param = false;
  std::string text;  // static text; empty for params (names live in RouteInfo)

  bool operator==(const Atom& other) const = default;
};

struct StaticEdge {
  std::string text;
  uint32_t child = 0;
};

struct PatternEdge {
  std::vector<Atom> atoms;
  uint32_t child = 0;
};

constexpr int32_t kNone = -1;

// True when pattern `a` is tried before pattern `b`: at the first atom where
// their kinds differ, the static one first; when one is a prefix of the
// other, the longer one first, since a trailing param would swallow the
// rest of the segment (routefinder's "more segments is more specific").
bool TriedBefore(const PatternEdge& a, const PatternEdge& b) {
  const size_t common = std::min(a.atoms.size(), b.atoms.size());
  for (size_t i = 0; i < common; ++i) {
    if (a.atoms[i].param != b.atoms[i].param) return !a.atoms[i].param;
  }
  return a.atoms.size() > b.atoms.size();
}

// Matches one path segment against a pattern's atoms, appending the bound
// params to `captures`. A param followed by another atom stops at the next
// '.'; the last atom takes the rest of the segment, so ":name" matches
// "a.txt" (name "a.txt") and ":stem.:ext" matches "a.b.c" (stem "a", ext
// "b.c"). Params never bind empty text.
bool MatchAtoms(const std::vector<Atom>& atoms, std::string_view segment,
                std::vector<PathCapture>& captures) {
  size_t pos = 0;
  for (size_t i = 0; i < atoms.size(); ++i) {
    const bool last = i + 1 == atoms.size();
    size_t end = segment.size();
    if (!last) {
      end = atoms[i].param ? segment.find('.', pos) : pos + atoms[i].text.size();
      if (end >= segment.size() || segment[end] != '.') return false;
    }
    const std::string_view text = segment.substr(pos, end - pos);
    if (atoms[i].param) {
      if (text.empty()) return false;
      captures.push_back({{}, text});
    } else if (text != atoms[i].text) {
      return false;
    }
    pos = end + 1;
  }
  return true;
}

std::string Absolutize(std::string_view route) {
  if (!route.empty() && route.front() == '/') return std::string(route);
  std::string out = "/";
  out += route;
  return out;
}

// Spin strips exactly one trailing '/'.
std::string_view StripOneSlash(std::string_view text) {
  if (!text.empty() && text.back() == '/') text.remove_suffix(1);
  return text;
}

std::string Describe(const app::HttpTrigger& trigger, size_t index) {
  std::string out = trigger.id.empty() ? "trigger #" + std::to_string(index)
                                       : "trigger '" + trigger.id + "'";
  out += " (component '" + trigger.component + "', route '" + trigger.route + "'";
  if (!trigger.where.file.empty() && trigger.where.line > 0) {
    out += ", " + trigger.where.ToString();
  }
  out += ")";
  return out;
}

// One segment of a route: its text and its atoms.
struct ParsedSegment {
  std::string text;
  std::vector<Atom> atoms;
  bool has_param = false;
};

// Returns an error message, or "" on success.
std::string ParseSegments(std::string_view prefix, std::vector<ParsedSegment>& segments,
                          std::vector<std::string>& param_names) {
  size_t pos = 0;
  while (pos < prefix.size()) {
    const size_t slash = std::min(prefix.find('/', pos), prefix.size());
    const std::string_view text = prefix.substr(pos, slash - pos);
    pos = slash + 1;
    if (text.empty()) continue;  // leading, trailing and doubled '/' in a route
    ParsedSegment segment;
    segment.text = std::string(text);
    size_t at = 0;
    while (true) {
      const size_t dot = std::min(text.find('.', at), text.size());
      const std::string_view atom = text.substr(at, dot - at);
      if (!atom.empty() && atom.front() == ':') {
        if (atom.size() == 1) return "a `:` parameter must be named";
        segment.atoms.push_back({true, {}});
        segment.has_param = true;
        param_names.emplace_back(atom.substr(1));
      } else if (!atom.empty() && atom.front() == '*') {
        if (atom.size() > 1) return "a `*` wildcard cannot be named ('" + std::string(atom) + "')";
        return "a wildcard is only allowed as the last segment ('/...' or '/*')";
      } else {
        segment.atoms.push_back({false, std::string(atom)});
      }
      if (dot == text.size()) break;
      at = dot + 1;
    }
    segments.push_back(std::move(segment));
  }
  return {};
}

}  // namespace

struct Router::Node {
  std::vector<StaticEdge> statics;    // sorted by text once built
  std::vector<PatternEdge> patterns;  // in TriedBefore order once built
  int32_t terminal = kNone;           // route ending exactly here
  int32_t wildcard = kNone;           // trailing wildcard of this prefix
};

// Per-Match state: the trimmed path and what the successful branch found.
struct Router::Search {
  std::string_view path;                // leading and trailing '/' removed
  std::vector<PathCapture>* captures;
  int32_t route = kNone;
  std::string_view wildcard_capture;
};

Router::Router() = default;
Router::~Router() = default;
Router::Router(const Router&) = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(const Router&) = default;
Router& Router::operator=(Router&&) noexcept = default;

Result<Router> Router::Build(const app::App& app) {
  Router router;
  router.base_path_ = Absolutize(app.http_base);
  const std::string_view base = StripOneSlash(router.base_path_);
  router.nodes_.emplace_back();

  // The message leads with the offending trigger's manifest position when
  // the loader recorded one ("spin.toml:7:9: ..."), else with the manifest.
  auto fail = [&app](const app::HttpTrigger& trigger, std::string message) {
    if (!trigger.where.file.empty() && trigger.where.line > 0) {
      return MakeError(Phase::kUsage, trigger.where.ToString() + ": " + message);
    }
    Error error = MakeError(Phase::kUsage, std::move(message));
    error.source = app.manifest_path.string();
    return error;
  };

  for (size_t index = 0; index < app.http_triggers.size(); ++index) {
    const app::HttpTrigger& trigger = app.http_triggers[index];
    if (trigger.is_private) continue;

    RouteInfo info;
    info.trigger_index = index;
    info.trigger_id = trigger.id;
    info.component = trigger.component;
    info.raw_route = trigger.route;
    std::string_view raw = trigger.route;
    info.component_route = std::string(raw.ends_with("/...") ? raw.substr(0, raw.size() - 4) : raw);
    info.based_route = std::string(base);
    info.based_route += StripOneSlash(Absolutize(trigger.route));

    std::string_view prefix = info.based_route;
    if (prefix.ends_with("/...")) {
      prefix.remove_suffix(4);
      info.wildcard = true;
    } else if (prefix.ends_with("/*")) {
      prefix.remove_suffix(2);
      info.wildcard = true;
    }
    info.based_prefix = std::string(prefix);

    std::vector<ParsedSegment> segments;
    const std::string problem = ParseSegments(prefix, segments, info.param_names);
    if (!problem.empty()) {
      return fail(trigger, "invalid route for " + Describe(trigger, index) + ": " + problem);
    }

    uint32_t node = 0;
    for (ParsedSegment& segment : segments) {
      uint32_t next = 0;
      bool found = false;
      if (!segment.has_param) {
        for (const StaticEdge& edge : router.nodes_[node].statics) {
          if (edge.text == segment.text) {
            next = edge.child;
            found = true;
            break;
          }
        }
      } else {
        for (const PatternEdge& edge : router.nodes_[node].patterns) {
          if (edge.atoms == segment.atoms) {
            next = edge.child;
            found = true;
            break;
          }
        }
      }
      if (!found) {
        next = static_cast<uint32_t>(router.nodes_.size());
        router.nodes_.emplace_back();  // invalidates references into nodes_
        if (segment.has_param) {
          router.nodes_[node].patterns.push_back({std::move(segment.atoms), next});
        } else {
          router.nodes_[node].statics.push_back({std::move(segment.text), next});
        }
      }
      node = next;
    }

    int32_t& slot = info.wildcard ? router.nodes_[node].wildcard : router.nodes_[node].terminal;
    if (slot != kNone) {
      // Spin would keep the later route and log the earlier one; issue 4
      // asks for an error at startup, which is kinder to the author.
      const RouteInfo& other = router.routes_[static_cast<size_t>(slot)];
      return fail(trigger, "duplicate route: " + Describe(app.http_triggers[other.trigger_index],
                                                 other.trigger_index) +
                  " and " + Describe(trigger, index) + " match the same requests");
    }
    slot = static_cast<int32_t>(router.routes_.size());
    router.max_params_ = std::max(router.max_params_, info.param_names.size());
    router.routes_.push_back(std::move(info));
  }

  for (Node& node : router.nodes_) {
    std::sort(node.statics.begin(), node.statics.end(),
              [](const StaticEdge& a, const StaticEdge& b) { return a.text < b.text; });
    std::stable_sort(node.patterns.begin(), node.patterns.end(), TriedBefore);
  }
  return router;
}

bool Router::IsWellKnown(std::string_view path) { return path.starts_with(kWellKnownPrefix); }

std::vector<const RouteInfo*> Router::ShadowedWellKnownRoutes() const {
  std::vector<const RouteInfo*> out;
  for (const RouteInfo& route : routes_) {
    if (std::string_view(route.based_route).starts_with(kWellKnownPrefix)) out.push_back(&route);
  }
  return out;
}

// `pos` is where the next segment starts in search.path. Inner runs of '/'
// are not collapsed (routefinder 0.5 does not): "a//b" has an empty middle
// segment, which only a trailing wildcard can take.
bool Router::Visit(uint32_t index, size_t pos, Search& search) const {
  const Node& node = nodes_[index];
  if (pos >= search.path.size()) {
    if (node.terminal != kNone) {
      search.route = node.terminal;
      return true;
    }
    if (node.wildcard != kNone) {
      search.route = node.wildcard;
      search.wildcard_capture = {};
      return true;
    }
    return false;
  }

  const std::string_view rest = search.path.substr(pos);
  const std::string_view segment = rest.substr(0, rest.find('/'));
  const size_t next = pos + segment.size() + 1;

  if (!node.statics.empty()) {
    auto it = std::lower_bound(
        node.statics.begin(), node.statics.end(), segment,
        [](const StaticEdge& edge, std::string_view text) { return edge.text < text; });
    if (it != node.statics.end() && it->text == segment && Visit(it->child, next, search)) {
      return true;
    }
  }
  for (const PatternEdge& edge : node.patterns) {
    const size_t mark = search.captures->size();
    if (MatchAtoms(edge.atoms, segment, *search.captures) && Visit(edge.child, next, search)) {
      return true;
    }
    search.captures->resize(mark);
  }
  if (node.wildcard != kNone) {
    search.route = node.wildcard;
    search.wildcard_capture = rest;
    return true;
  }
  return false;
}

std::optional<RouteMatch> Router::Match(std::string_view path) const {
  if (nodes_.empty() || IsWellKnown(path)) return std::nullopt;
  path = path.substr(0, path.find('?'));
  const bool trailing_slash = path.ends_with('/');
  const size_t first = path.find_first_not_of('/');
  if (first == std::string_view::npos) {
    path = {};
  } else {
    path = path.substr(first, path.find_last_not_of('/') + 1 - first);
  }

  std::vector<PathCapture> captures;
  if (max_params_ != 0) captures.reserve(max_params_);
  Search search{path, &captures, kNone, {}};
  if (!Visit(0, 0, search)) return std::nullopt;

  RouteMatch match;
  match.route = &routes_[static_cast<size_t>(search.route)];
  match.base_path = base_path_;
  if (match.route->wildcard) {
    const std::string_view capture = search.wildcard_capture;
    if (!capture.empty() || trailing_slash) {
      match.path_info.reserve(capture.size() + 2);
      match.path_info += '/';
      match.path_info += capture;
      if (!capture.empty() && trailing_slash) match.path_info += '/';
    }
  }
  for (size_t i = 0; i < captures.size(); ++i) captures[i].name = match.route->param_names[i];
  match.captures = std::move(captures);
  return match;
}

}  // namespace spindle::http
