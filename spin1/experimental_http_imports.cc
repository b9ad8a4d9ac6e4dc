// `wasi_experimental_http` (deislabs, the witx API some WAGI modules use for
// outbound HTTP): `req` sends a request and returns a status and a handle;
// the guest then reads headers and the body through the handle into its own
// buffers and closes it. Every function returns an http_error (u32, 0 =
// success). Requests go through the same service and allowed hosts as
// wasi-outbound-http.
#include <algorithm>
#include <cstring>
#include <strings.h>

#include "spin1/spin1_imports.h"

namespace spindle::spin1 {
namespace {

// http_error, in witx order.
enum ExperimentalHttpError : uint32_t {
  kSuccess = 0,
  kInvalidHandle = 1,
  kMemoryAccessError = 3,
  kBufferTooSmall = 4,
  kHeaderNotFound = 5,
  kUtf8Error = 6,
  kDestinationNotAllowed = 7,
  kInvalidMethod = 8,
  kInvalidEncoding = 9,
  kInvalidUrl = 10,
  kRequestError = 11,
  kRuntimeError = 12,
  kTooManySessions = 13,
};

// Bounds how many responses one instance may hold open at once.
constexpr size_t kMaxHeldResponses = 64;

std::optional<services::HttpMethod> ParseMethod(std::string_view method) {
  static constexpr const char* kNames[] = {"GET",   "POST", "PUT",    "DELETE",
                                           "PATCH", "HEAD", "OPTIONS"};
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (strncasecmp(method.data(), kNames[i], method.size()) == 0 &&
        std::strlen(kNames[i]) == method.size()) {
      return static_cast<services::HttpMethod>(i);
    }
  }
  return std::nullopt;
}

// "name:value\n" lines, as the guest library writes them.
std::optional<services::HttpHeaders> ParseHeaders(std::string_view text) {
  services::HttpHeaders headers;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty()) continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  return headers;
}

uint32_t ErrorOf(services::HttpError error) {
  switch (error) {
    case services::HttpError::kDestinationNotAllowed: return kDestinationNotAllowed;
    case services::HttpError::kInvalidUrl: return kInvalidUrl;
    case services::HttpError::kRequestError: return kRequestError;
    case services::HttpError::kTooManyRequests: return kTooManySessions;
    default: return kRuntimeError;
  }
}

// Copies `bytes` into the guest's buffer and stores the length written;
// buffer-too-small when it does not fit.
uint32_t CopyOut(ImportCall& call, std::string_view bytes, uint32_t buffer, uint32_t capacity,
                 uint32_t written) {
  if (bytes.size() > capacity) return kBufferTooSmall;
  wasi::GuestMemory memory = call.abi().memory();
  if (!memory.WriteBytes(buffer, bytes) ||
      !memory.Write<uint32_t>(written, static_cast<uint32_t>(bytes.size()))) {
    return kMemoryAccessError;
  }
  return kSuccess;
}

}  // namespace

Status AddExperimentalHttpImports(Linker& linker, ContextOf context_of) {
  constexpr char kModule[] = "wasi_experimental_http";
  SPINDLE_TRY(linker.Func(kModule, "req",
                          [context_of](Caller& caller, uint32_t url, uint32_t url_length,
                                       uint32_t method, uint32_t method_length, uint32_t headers,
                                       uint32_t headers_length, uint32_t body, uint32_t body_length,
                                       uint32_t status_out, uint32_t handle_out) -> uint32_t {
    ImportCall call(caller, context_of);
    if (!call.ok()) return kRuntimeError;
    // This API reports bad memory as an error rather than trapping.
    wasi::GuestMemory memory = call.abi().memory();
    const uint8_t* url_bytes = memory.At(url, url_length);
    const uint8_t* method_bytes = memory.At(method, method_length);
    const uint8_t* header_bytes = memory.At(headers, headers_length);
    const uint8_t* body_bytes = memory.At(body, body_length);
    if (!url_bytes || !method_bytes || !header_bytes || !body_bytes ||
        !memory.InBounds(status_out, 2) || !memory.InBounds(handle_out, 4)) {
      return kMemoryAccessError;
    }
    auto as_text = [](const uint8_t* bytes, uint32_t length) {
      return std::string_view(reinterpret_cast<const char*>(bytes), length);
    };
    InstanceContext& context = call.context();
    if (context.held_responses.size() >= kMaxHeldResponses) return kTooManySessions;
    services::HttpRequest request;
    auto parsed_method = ParseMethod(as_text(method_bytes, method_length));
    if (!parsed_method) return kInvalidMethod;
    request.method = *parsed_method;
    request.uri = std::string(as_text(url_bytes, url_length));
    auto parsed_headers = ParseHeaders(as_text(header_bytes, headers_length));
    if (!parsed_headers) return kInvalidEncoding;
    request.headers = std::move(*parsed_headers);
    if (body_length > 0) request.body.emplace(body_bytes, body_bytes + body_length);

    auto response = call.services().SendHttp(request);
    if (!response.ok()) return ErrorOf(response.error());
    const uint32_t handle = context.next_response_handle++;
    memory.Write<uint16_t>(status_out, response->status);
    memory.Write<uint32_t>(handle_out, handle);
    context.held_responses[handle] = HeldResponse{std::move(response).value(), 0};
    return kSuccess;
  }));
  SPINDLE_TRY(linker.Func(kModule, "close",
                          [context_of](Caller& caller, uint32_t handle) -> uint32_t {
    ImportCall call(caller, context_of);
    if (!call.ok()) return kRuntimeError;
    return call.context().held_responses.erase(handle) ? kSuccess : kInvalidHandle;
  }));
  SPINDLE_TRY(linker.Func(kModule, "header_get",
                          [context_of](Caller& caller, uint32_t handle, uint32_t name,
                                       uint32_t name_length, uint32_t buffer, uint32_t capacity,
                                       uint32_t written) -> uint32_t {
    ImportCall call(caller, context_of);
    if (!call.ok()) return kRuntimeError;
    auto held = call.context().held_responses.find(handle);
    if (held == call.context().held_responses.end()) return kInvalidHandle;
    const uint8_t* name_bytes = call.abi().memory().At(name, name_length);
    if (!name_bytes) return kMemoryAccessError;
    const std::string_view wanted(reinterpret_cast<const char*>(name_bytes), name_length);
    for (const auto& [header, value] : held->second.response.headers) {
      if (header.size() == wanted.size() &&
          strncasecmp(header.data(), wanted.data(), wanted.size()) == 0) {
        return CopyOut(call, value, buffer, capacity, written);
      }
    }
    return kHeaderNotFound;
  }));
  SPINDLE_TRY(linker.Func(kModule, "headers_get_all",
                          [context_of](Caller& caller, uint32_t handle, uint32_t buffer,
                                       uint32_t capacity, uint32_t written) -> uint32_t {
    ImportCall call(caller, context_of);
    if (!call.ok()) return kRuntimeError;
    auto held = call.context().held_responses.find(handle);
    if (held == call.context().held_responses.end()) return kInvalidHandle;
    std::string text;
    for (const auto& [header, value] : held->second.response.headers) {
      text += header + ":" + value + "\n";
    }
    return CopyOut(call, text, buffer, capacity, written);
  }));
  return linker.Func(kModule, "body_read",
                     [context_of](Caller& caller, uint32_t handle, uint32_t buffer,
                                  uint32_t capacity, uint32_t written) -> uint32_t {
    ImportCall call(caller, context_of);
    if (!call.ok()) return kRuntimeError;
    auto held = call.context().held_responses.find(handle);
    if (held == call.context().held_responses.end()) return kInvalidHandle;
    HeldResponse& response = held->second;
    const size_t left = response.response.body.size() - response.body_read;
    const size_t chunk = std::min<size_t>(left, capacity);
    const std::string_view piece(
        reinterpret_cast<const char*>(response.response.body.data()) + response.body_read, chunk);
    const uint32_t error = CopyOut(call, piece, buffer, capacity, written);
    if (error == kSuccess) response.body_read += chunk;
    return error;
  });
}

}  // namespace spindle::spin1
