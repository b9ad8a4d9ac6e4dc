// The WAGI executor: CGI over WASI (spin-compat.md §3). The request becomes
// the CGI environment and argv, the body is stdin, and stdout, captured in
// memory up to a cap, is parsed as a CGI response.
#pragma once

#include <string>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"
#include "triggers/common/component_host.h"
#include "triggers/http/http_message.h"

namespace spindle::triggers {

// argv from the executor's template: ${SCRIPT_NAME} is the request path,
// ${ARGS} the raw query with '&' turned into spaces; split on single
// spaces, so "/env" with no query gives {"/env", ""} as in Spin.
std::vector<std::string> WagiArgv(const std::string& argv_template, const HttpRequest& request);

// The CGI variables for `request`: the base set of RFC 3875 plus Spin's,
// then `route_env` (PATH_INFO, X_MATCHED_ROUTE, ... from routing), then one
// HTTP_<NAME> per request header (except Authorization and Connection).
// Each entry is "NAME=value".
std::vector<std::string> WagiEnvironment(const HttpRequest& request, const HeaderList& route_env,
                                         const std::string& script_name);

struct WagiOptions {
  size_t max_output_bytes = 64ull << 20;
  int stderr_fd = -1;  // where the guest's stderr goes; -1 drops it
};

// Runs the module's entrypoint for one request.
Result<HttpResponse> RunWagi(ComponentHost& host, const LoadedComponent& component,
                             const app::HttpExecutor& executor, const HttpRequest& request,
                             std::vector<std::string> argv, std::vector<std::string> env,
                             const WagiOptions& options, std::string& log_detail);

}  // namespace spindle::triggers
