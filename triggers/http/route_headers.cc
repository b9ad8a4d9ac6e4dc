#include "triggers/http/route_headers.h"

#include <cctype>

namespace spindle::http {
namespace {

MetadataEntry Entry(const MetadataName& name, std::string value) {
  return {std::string(name.header), std::string(name.wagi_env), std::move(value)};
}

// Spin builds "SPIN_PATH_MATCH_<NAME>" / "X_PATH_MATCH_<NAME>" from the
// upper-cased name, then turns the first into a header by lower-casing it
// and replacing '_' with '-'.
MetadataEntry ParamEntry(std::string_view name, std::string_view value) {
  MetadataEntry entry;
  entry.header = "spin-path-match-";
  entry.wagi_env = "X_PATH_MATCH_";
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    entry.header += c == '_' ? '-' : static_cast<char>(std::tolower(byte));
    entry.wagi_env += static_cast<char>(std::toupper(byte));
  }
  entry.value = std::string(value);
  return entry;
}

}  // namespace

std::vector<MetadataEntry> RouteMetadata(const RouteMatch& match, const RequestContext& request) {
  std::vector<MetadataEntry> out;
  out.reserve(7 + match.captures.size());
  out.push_back(Entry(kPathInfo, match.path_info));

  std::string url;
  const std::string_view host = request.host.empty() ? "localhost" : request.host;
  url.reserve(request.scheme.size() + 3 + host.size() + request.path_and_query.size());
  url += request.scheme;
  url += "://";
  url += host;
  url += request.path_and_query;
  out.push_back(Entry(kFullUrl, std::move(url)));

  out.push_back(Entry(kMatchedRoute, std::string(match.matched_route())));
  out.push_back(Entry(kBasePath, std::string(match.base_path)));
  out.push_back(Entry(kRawComponentRoute, std::string(match.raw_component_route())));
  out.push_back(Entry(kComponentRoute, std::string(match.component_route())));
  out.push_back(Entry(kClientAddr, std::string(request.client_addr)));

  // Spin collects the captures into a map keyed by name: one entry per
  // distinct name, the last value winning.
  for (size_t i = 0; i < match.captures.size(); ++i) {
    const std::string_view name = match.captures[i].name;
    bool first = true;
    for (size_t j = 0; j < i && first; ++j) first = match.captures[j].name != name;
    if (!first) continue;
    std::string_view value = match.captures[i].value;
    for (size_t j = i + 1; j < match.captures.size(); ++j) {
      if (match.captures[j].name == name) value = match.captures[j].value;
    }
    out.push_back(ParamEntry(name, value));
  }
  return out;
}

}  // namespace spindle::http
