// A small synchronous HTTP client over libcurl for the registry client:
// one request at a time, bounded by connect and low-speed timeouts, body in
// memory or streamed to a sink, optional progress callback. No exceptions,
// no global state beyond curl_global_init (done once, thread-safe).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/result.h"

namespace spindle::oci {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;      // "Name: value"
  const std::string* body = nullptr;     // sent when set (POST/PUT)
  std::filesystem::path body_file;       // or streamed from this file (PUT)
  bool follow_redirects = false;
  bool bypass_proxy = false;             // loopback: never through $http_proxy
  // Largest body kept in HttpResponse::body; a bigger one fails the request
  // (a registry cannot make us buffer without bound).
  uint64_t max_body = 4 << 20;
  // Receives the body in chunks instead of HttpResponse::body (only for 2xx
  // answers; error bodies are always collected). Returning false aborts.
  std::function<bool(std::string_view)> sink;
  // Called with bytes transferred so far and the total (0 if unknown).
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string Header(std::string_view name) const;  // first value, "" if absent
};

// Transport failures (DNS, refused, TLS, timeout) are Phase::kIo errors whose
// message names the URL and curl's reason. HTTP error statuses are not
// errors here: the caller reads `status`.
Result<HttpResponse> Perform(const HttpRequest& request);

}  // namespace spindle::oci
