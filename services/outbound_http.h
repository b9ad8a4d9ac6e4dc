// Outbound HTTP (Spin 1 `wasi-outbound-http.request`, spin-compat.md §2.7,
// §4.1) over libcurl. Every request is checked against the component's
// allowed hosts before any connection is made; redirects are returned to
// the guest, never followed (a followed redirect could leave the allowed
// hosts); time and response size are bounded.
//
// Error mapping: destination not allowed -> destination-not-allowed; a URL
// that does not parse, or a relative URL with no self origin -> invalid-url;
// connect, TLS, timeout, a bad header, a response over the size cap ->
// runtime-error; a failure while receiving the body -> request-error; more
// than `max_concurrent_requests` in flight -> too-many-requests. Each error
// is logged with its reason (the guest only sees the enum).
//
// Thread safety: Send may be called from any number of threads at once;
// each thread reuses its own curl handle (and so its connections).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/expected.h"
#include "services/outbound_hosts.h"

namespace spindle::services {

// http-types `method`, in WIT case order.
enum class HttpMethod : uint8_t { kGet, kPost, kPut, kDelete, kPatch, kHead, kOptions };

// http-types `http-error`, in WIT case order (`success` is never returned).
enum class HttpError : uint8_t {
  kSuccess = 0,
  kDestinationNotAllowed = 1,
  kInvalidUrl = 2,
  kRequestError = 3,
  kRuntimeError = 4,
  kTooManyRequests = 5,
};

const char* HttpErrorName(HttpError error);

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string uri;  // absolute, or relative to the app's self origin
  HttpHeaders headers;
  std::optional<std::vector<uint8_t>> body;
};

struct HttpResponse {
  uint16_t status = 0;
  HttpHeaders headers;  // names lower-cased, in received order
  std::vector<uint8_t> body;
};

struct OutboundHttpOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};  // whole request, body included
  size_t max_response_bytes = 64 * 1024 * 1024;
  size_t max_concurrent_requests = 1024;  // across all threads
};

class OutboundHttp {
 public:
  explicit OutboundHttp(OutboundHttpOptions options = {});

  // Sends `request` if `allowed` permits its URL (relative URLs go to
  // allowed.self_origin()). `component` names the caller in log lines.
  Expected<HttpResponse, HttpError> Send(const HttpRequest& request, const OutboundHosts& allowed,
                                         const std::string& component = "") const;

  const OutboundHttpOptions& options() const { return options_; }

 private:
  OutboundHttpOptions options_;
  mutable std::atomic<size_t> in_flight_{0};
};

}  // namespace spindle::services
