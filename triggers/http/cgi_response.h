// Turns a WAGI guest's stdout (CGI: headers, a blank line, the body) into
// an HTTP response, with Spin's rules (spin-compat.md §3.4).
#pragma once

#include <string_view>

#include "engine/base/result.h"
#include "triggers/http/http_message.h"

namespace spindle::triggers {

// Errors are for the log; the response to send for them is 500 (or 502 for
// an invalid Status line, which this returns as a response).
Result<HttpResponse> ParseCgiOutput(std::string_view output);

}  // namespace spindle::triggers
