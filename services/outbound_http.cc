#include "services/outbound_http.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "services/url.h"

namespace spindle::services {
namespace {

// One easy handle per thread: curl handles are not thread safe, and a
// handle keeps its connection cache across curl_easy_reset, so a worker
// thread reuses keep-alive connections without sharing them.
struct ThreadCurl {
  CURL* easy = nullptr;
  ~ThreadCurl() {
    if (easy) curl_easy_cleanup(easy);
  }
};

CURL* ThreadHandle() {
  thread_local ThreadCurl handle;
  if (!handle.easy) handle.easy = curl_easy_init();
  return handle.easy;
}

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, UrlDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHeaders = std::unique_ptr<curl_slist, SlistDeleter>;

std::string UrlPart(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, flags) != CURLUE_OK || !text) return {};
  std::string out(text);
  curl_free(text);
  return out;
}

// RFC 9110 token characters, for header names.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool ValidHeader(const std::string& name, const std::string& value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

struct Received {
  HttpResponse response;
  size_t cap = 0;
  bool over_cap = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* received = static_cast<Received*>(user);
  const size_t bytes = size * count;
  if (received->response.body.size() + bytes > received->cap) {
    received->over_cap = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  received->response.body.insert(received->response.body.end(), data, data + bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* received = static_cast<Received*>(user);
  const size_t bytes = size * count;
  std::string_view line(data, bytes);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    // A new status line (after a 100 Continue, say): start over.
    received->response.headers.clear();
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  received->response.headers.emplace_back(Lowercase(line.substr(0, colon)), std::string(value));
  return bytes;
}

const char* MethodName(HttpMethod method) {
  static const char* const kNames[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
  return kNames[static_cast<int>(method)];
}

// Call after setting the body: CURLOPT_POSTFIELDS would otherwise turn a
// GET with a body into a POST.
void SetMethod(CURL* easy, HttpMethod method) {
  if (method == HttpMethod::kHead) {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    return;
  }
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, MethodName(method));
}

// Releases the in-flight slot however Send returns.
class InFlight {
 public:
  explicit InFlight(std::atomic<size_t>& counter) : counter_(counter) { ++counter_; }
  ~InFlight() { --counter_; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<size_t>& counter_;
};

}  // namespace

const char* HttpErrorName(HttpError error) {
  switch (error) {
    case HttpError::kSuccess:
      return "success";
    case HttpError::kDestinationNotAllowed:
      return "destination-not-allowed";
    case HttpError::kInvalidUrl:
      return "invalid-url";
    case HttpError::kRequestError:
      return "request-error";
    case HttpError::kRuntimeError:
      return "runtime-error";
    case HttpError::kTooManyRequests:
      return "too-many-requests";
  }
  return "unknown";
}

OutboundHttp::OutboundHttp(OutboundHttpOptions options) : options_(options) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Expected<HttpResponse, HttpError> OutboundHttp::Send(const HttpRequest& request,
                                                     const OutboundHosts& allowed,
                                                     const std::string& component) const {
  const std::string who = component.empty() ? "" : "component '" + component + "': ";
  const std::string what =
      std::string(MethodName(request.method)) + " " + RedactUserinfo(request.uri);
  const auto fail = [&](HttpError error, const std::string& reason) {
    spdlog::warn("{}outbound HTTP {} -> {}: {}", who, what, HttpErrorName(error), reason);
    return Fail(error);
  };

  std::string absolute = request.uri;
  if (OutboundHosts::IsRelative(request.uri)) {
    if (allowed.self_origin().empty()) {
      return fail(HttpError::kInvalidUrl,
                  "a relative URL needs the app's own address, which is unknown here");
    }
    const HostCheck self = allowed.Check(request.uri);
    if (!self.allowed) return fail(HttpError::kDestinationNotAllowed, self.message);
    absolute = allowed.self_origin() + request.uri;
  }
  CurlUrl url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, absolute.c_str(), 0) != CURLUE_OK) {
    return fail(HttpError::kInvalidUrl, "the URL does not parse");
  }
  const std::string scheme = Lowercase(UrlPart(url.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return fail(HttpError::kInvalidUrl, "only http:// and https:// URLs are supported");
  }
  const std::string host = UrlPart(url.get(), CURLUPART_HOST);
  const std::string port_text = UrlPart(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  const int port = port_text.empty() ? -1 : std::atoi(port_text.c_str());
  if (host.empty() || port < 0 || port > 65535)
    return fail(HttpError::kInvalidUrl, "no host or port");
  if (!OutboundHosts::IsRelative(request.uri)) {
    const HostCheck check =
        allowed.CheckParts(scheme, host, static_cast<uint16_t>(port), request.uri);
    if (!check.allowed) return fail(HttpError::kDestinationNotAllowed, check.message);
  }

  const InFlight in_flight(in_flight_);
  if (in_flight_.load() > options_.max_concurrent_requests) {
    return fail(HttpError::kTooManyRequests, "more than " +
                                                 std::to_string(options_.max_concurrent_requests) +
                                                 " outbound requests in flight");
  }

  curl_slist* raw_headers = nullptr;
  bool has_expect = false;
  for (const auto& [name, value] : request.headers) {
    if (!ValidHeader(name, value)) {
      curl_slist_free_all(raw_headers);
      return fail(HttpError::kRuntimeError, "header '" + name + "' has an invalid name or value");
    }
    has_expect = has_expect || Lowercase(name) == "expect";
    // "Name;" is curl's spelling of a header with an empty value.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    raw_headers = curl_slist_append(raw_headers, line.c_str());
  }
  // Waiting for 100-continue would only add a round trip.
  if (!has_expect) raw_headers = curl_slist_append(raw_headers, "Expect:");
  const CurlHeaders headers(raw_headers);

  CURL* easy = ThreadHandle();
  if (!easy) return fail(HttpError::kRuntimeError, "curl_easy_init failed");
  curl_easy_reset(easy);
  Received received;
  received.cap = options_.max_response_bytes;
  curl_easy_setopt(easy, CURLOPT_CURLU, url.get());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &received);
  if (request.body) {
    static const char kEmpty = 0;
    curl_easy_setopt(
        easy, CURLOPT_POSTFIELDS,
        request.body->empty() ? &kEmpty : reinterpret_cast<const char*>(request.body->data()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body->size()));
  }
  SetMethod(easy, request.method);

  const CURLcode code = curl_easy_perform(easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  // The handle keeps pointers to our URL and header list; drop them before
  // they go out of scope.
  curl_easy_setopt(easy, CURLOPT_CURLU, nullptr);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
  if (code != CURLE_OK) {
    if (received.over_cap) {
      return fail(HttpError::kRuntimeError, "the response body is larger than the " +
                                                std::to_string(options_.max_response_bytes) +
                                                "-byte limit");
    }
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return fail(HttpError::kRuntimeError, std::string("timed out: ") + curl_easy_strerror(code));
    }
    // Headers arrived but the body broke off: Spin 1's "request-error".
    if (status != 0 && (code == CURLE_RECV_ERROR || code == CURLE_PARTIAL_FILE)) {
      return fail(HttpError::kRequestError, curl_easy_strerror(code));
    }
    return fail(HttpError::kRuntimeError, curl_easy_strerror(code));
  }
  received.response.status = static_cast<uint16_t>(status);
  return std::move(received.response);
}

}  // namespace spindle::services
