// The Spin 1 executor: calls a core module's `handle-http-request` export
// with the wit-bindgen 0.2 canonical ABI, byte for byte as Spin 1 did
// (spin-compat.md §4.3): 10 i32 parameters, a 28-byte response area,
// 16-byte header elements, guest memory from `canonical_abi_realloc`, and
// every string and list of the response freed with `canonical_abi_free`.
#pragma once

#include <optional>

#include "engine/base/result.h"
#include "triggers/common/component_host.h"
#include "triggers/http/http_message.h"

namespace spindle::triggers {

// The method's number in Spin 1's `method` enum, or nothing for methods
// Spin 1 cannot express (they get 405).
std::optional<uint32_t> Spin1Method(const std::string& method);

// Whether `module` exports what the Spin 1 executor calls; otherwise a
// message saying what is missing.
std::optional<std::string> CheckSpin1Exports(const CompiledModule& module);

// Runs one request. `headers` are the client's headers followed by the
// spin-* metadata; `method` is a Spin1Method value.
Result<HttpResponse> RunSpin1(Invocation& invocation, uint32_t method, const HttpRequest& request,
                              const HeaderList& headers);

}  // namespace spindle::triggers
