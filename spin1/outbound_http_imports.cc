// `wasi-outbound-http.request` (spin-compat.md §4.5): the request as the
// 10 flat values of http-types `request`, then a 32-byte
// expected<response, http-error> record at retptr.
#include <cstring>

#include "spin1/spin1_imports.h"

namespace spindle::spin1 {
namespace {

constexpr uint32_t kHeaderRecordSize = 16;  // tuple<string, string>
constexpr uint32_t kMethodCount = 7;        // get .. options

// Lowers the response headers as list<tuple<string, string>>.
uint32_t LowerHeaders(ImportCall& call, const services::HttpHeaders& headers) {
  std::string records(headers.size() * kHeaderRecordSize, '\0');
  for (size_t i = 0; i < headers.size(); ++i) {
    const auto& [name, value] = headers[i];
    Put32(records, i * kHeaderRecordSize, call.Lower(name));
    Put32(records, i * kHeaderRecordSize + 4, static_cast<uint32_t>(name.size()));
    Put32(records, i * kHeaderRecordSize + 8, call.Lower(value));
    Put32(records, i * kHeaderRecordSize + 12, static_cast<uint32_t>(value.size()));
  }
  return call.Lower(records, 4);
}

}  // namespace

Status AddOutboundHttpImports(Linker& linker, ContextOf context_of) {
  return linker.Func(
      "wasi-outbound-http", "request",
      [context_of](Caller& caller, uint32_t method, uint32_t uri, uint32_t uri_length,
                    uint32_t headers, uint32_t header_count, uint32_t params,
                    uint32_t param_count, uint32_t body_tag, uint32_t body, uint32_t body_length,
                    uint32_t retptr) {
        (void)params, (void)param_count;  // Spin ignores request params too
        ImportCall call(caller, context_of);
        if (!call.ok()) return;
        if (method >= kMethodCount) return call.Trap("invalid http method " + std::to_string(method));
        if (body_tag > 1) return call.Trap("invalid option tag for the request body");
        services::HttpRequest request;
        request.method = static_cast<services::HttpMethod>(method);
        auto target = call.String(uri, uri_length);
        auto records = call.Records(headers, header_count, kHeaderRecordSize);
        if (!target || !records) return;
        request.uri = std::move(*target);
        for (uint32_t i = 0; i < header_count; ++i) {
          const auto* record =
              reinterpret_cast<const uint8_t*>(records->data()) + size_t{i} * kHeaderRecordSize;
          auto name = call.String(Load32(record), Load32(record + 4));
          auto value = call.String(Load32(record + 8), Load32(record + 12));
          if (!name || !value) return;
          request.headers.emplace_back(std::move(*name), std::move(*value));
        }
        if (body_tag == 1) {
          auto bytes = call.Bytes(body, body_length);
          if (!bytes) return;
          request.body = std::move(*bytes);
        }

        auto response = call.services().SendHttp(request);
        ResultRecord record(32);
        if (!response.ok()) {
          record.U8(0, 1);
          record.U8(4, static_cast<uint8_t>(response.error()));
          return call.Return(retptr, record, 5);
        }
        record.U16(4, response->status);
        record.U8(8, 1);
        record.U32(12, LowerHeaders(call, response->headers));
        record.U32(16, static_cast<uint32_t>(response->headers.size()));
        record.U8(20, 1);
        record.U32(24, call.Lower(AsText(response->body)));
        record.U32(28, static_cast<uint32_t>(response->body.size()));
        call.Return(retptr, record, 32);
      });
}

}  // namespace spindle::spin1
