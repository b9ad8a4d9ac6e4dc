#include "triggers/http/spin1_executor.h"

#include <array>
#include <cstring>

#include "engine/embed/call.h"
#include "spin1/guest_abi.h"

namespace spindle::triggers {
namespace {

using spin1::GuestAbi;
using spin1::kCanonicalFree;
using spin1::kCanonicalRealloc;
using spin1::Load32;

constexpr char kHandler[] = "handle-http-request";
constexpr uint32_t kResponseAreaSize = 28;
constexpr uint32_t kHeaderSize = 16;

bool ValidHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    const bool token = std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) !=
                                              std::string_view::npos;
    if (!token) return false;
  }
  return true;
}

bool ValidHeaderValue(std::string_view value) {
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::optional<uint32_t> Spin1Method(const std::string& method) {
  static constexpr std::array<const char*, 7> kMethods = {"GET",   "POST", "PUT",    "DELETE",
                                                          "PATCH", "HEAD", "OPTIONS"};
  for (uint32_t i = 0; i < kMethods.size(); ++i) {
    if (method == kMethods[i]) return i;
  }
  return std::nullopt;
}

std::optional<std::string> CheckSpin1Exports(const CompiledModule& module) {
  const char* const required[] = {kHandler, kCanonicalRealloc, kCanonicalFree, "memory"};
  std::string missing;
  for (const char* name : required) {
    if (!module.FindExport(name)) missing += std::string(missing.empty() ? "" : ", ") + name;
  }
  if (missing.empty()) return std::nullopt;
  return "it does not export " + missing +
         " as the Spin executor requires (is it a WAGI module? then set "
         "executor = { type = \"wagi\" })";
}

Result<HttpResponse> RunSpin1(Invocation& invocation, uint32_t method, const HttpRequest& request,
                              const HeaderList& headers) {
  Instance& instance = *invocation.instance();
  GuestAbi abi(invocation.store(), instance);
  Function* handler = instance.GetFunction(kHandler);

  // Lower the request: every string and list goes into guest-allocated
  // memory that the guest then owns.
  SPINDLE_ASSIGN_OR_RETURN(uint32_t uri, abi.Lower(request.target, 1));
  const uint32_t header_count = static_cast<uint32_t>(headers.size());
  uint32_t header_array = 4;
  if (header_count > 0) {
    SPINDLE_ASSIGN_OR_RETURN(header_array, abi.Allocate(header_count * kHeaderSize, 4));
  }
  for (uint32_t i = 0; i < header_count; ++i) {
    SPINDLE_ASSIGN_OR_RETURN(uint32_t name, abi.Lower(headers[i].first, 1));
    SPINDLE_ASSIGN_OR_RETURN(uint32_t value, abi.Lower(headers[i].second, 1));
    const uint32_t element[4] = {name, static_cast<uint32_t>(headers[i].first.size()), value,
                                 static_cast<uint32_t>(headers[i].second.size())};
    SPINDLE_TRY(abi.Write(header_array + i * kHeaderSize,
                          std::string_view(reinterpret_cast<const char*>(element), 16)));
  }
  SPINDLE_ASSIGN_OR_RETURN(uint32_t body, abi.Lower(request.body, 1));

  auto i32 = [](uint32_t value) { return Value::I32(static_cast<int32_t>(value)); };
  const Value args[] = {i32(method),      i32(uri),  i32(static_cast<uint32_t>(request.target.size())),
                        i32(header_array), i32(header_count),
                        i32(4),           i32(0),  // params: always empty
                        i32(1),           i32(body), i32(static_cast<uint32_t>(request.body.size()))};
  SPINDLE_ASSIGN_OR_RETURN(auto results, Call(invocation.store(), handler, args));
  const uint32_t area_pointer = static_cast<uint32_t>(results[0].i32());
  const uint8_t* area = abi.memory().At(area_pointer, kResponseAreaSize);
  if (!area) return MakeError(Phase::kRuntime, "the response area is out of bounds");

  // Lift the response, then free every string and list in it.
  HttpResponse response;
  uint16_t status;
  std::memcpy(&status, area, 2);
  response.status = status;
  const bool has_headers = area[4] != 0;
  const uint32_t headers_pointer = Load32(area + 8);
  const uint32_t headers_length = Load32(area + 12);
  const bool has_body = area[16] != 0;
  const uint32_t body_pointer = Load32(area + 20);
  const uint32_t body_length = Load32(area + 24);
  if (has_headers) {
    const uint8_t* elements = abi.memory().At(headers_pointer, uint64_t{headers_length} * kHeaderSize);
    if (!elements) return MakeError(Phase::kRuntime, "response headers are out of bounds");
    // Copy the element array first: freeing can reuse that memory.
    std::vector<uint32_t> fields(size_t{headers_length} * 4);
    if (headers_length > 0) std::memcpy(fields.data(), elements, fields.size() * 4);
    for (uint32_t i = 0; i < headers_length; ++i) {
      const uint32_t* field = &fields[size_t{i} * 4];
      SPINDLE_ASSIGN_OR_RETURN(std::string name, abi.Read(field[0], field[1]));
      SPINDLE_ASSIGN_OR_RETURN(std::string value, abi.Read(field[2], field[3]));
      if (!ValidHeaderName(name) || !ValidHeaderValue(value)) {
        return MakeError(Phase::kRuntime, "invalid response header \"" + name + "\"");
      }
      response.headers.emplace_back(std::move(name), std::move(value));
      SPINDLE_TRY(abi.Free(field[0], field[1], 1));
      SPINDLE_TRY(abi.Free(field[2], field[3], 1));
    }
    SPINDLE_TRY(abi.Free(headers_pointer, headers_length * kHeaderSize, 4));
  }
  if (has_body) {
    SPINDLE_ASSIGN_OR_RETURN(response.body, abi.Read(body_pointer, body_length));
    SPINDLE_TRY(abi.Free(body_pointer, body_length, 1));
  }
  if (response.status < 100 || response.status > 600) {
    return MakeError(Phase::kRuntime,
                     "the guest returned status " + std::to_string(response.status));
  }
  return response;
}

}  // namespace spindle::triggers
