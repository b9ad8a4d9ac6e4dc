#include "triggers/http/wagi_executor.h"

#include <algorithm>
#include <cctype>

#include "engine/embed/call.h"
#include "triggers/http/cgi_response.h"
#include "wasi/memory_stream.h"

namespace spindle::triggers {
namespace {

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  size_t at = 0;
  while ((at = text.find(from, at)) != std::string::npos) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

std::string CgiHeaderName(std::string_view header) {
  std::string name = "HTTP_";
  for (char c : header) {
    name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `text`; invalid escapes are kept as they are.
std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

void SplitHostPort(const std::string& host_header, std::string& host, std::string& port) {
  host = host_header.empty() ? "localhost" : host_header;
  port = "80";
  if (!host.empty() && host.front() == '[') {  // [v6]:port
    const size_t close = host.find(']');
    if (close != std::string::npos && close + 1 < host.size() && host[close + 1] == ':') {
      port = host.substr(close + 2);
      host = host.substr(0, close + 1);
    }
    return;
  }
  const size_t colon = host.rfind(':');
  if (colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
}

}  // namespace

std::vector<std::string> WagiArgv(const std::string& argv_template, const HttpRequest& request) {
  std::string line = ReplaceAll(argv_template, "${SCRIPT_NAME}", request.path);
  line = ReplaceAll(line, "${ARGS}", ReplaceAll(request.query, "&", " "));
  std::vector<std::string> argv;
  size_t start = 0;
  for (;;) {
    const size_t space = line.find(' ', start);
    argv.push_back(line.substr(start, space - start));
    if (space == std::string::npos) break;
    start = space + 1;
  }
  return argv;
}

std::vector<std::string> WagiEnvironment(const HttpRequest& request, const HeaderList& route_env,
                                         const std::string& script_name) {
  std::string server_name, server_port;
  SplitHostPort(request.host, server_name, server_port);
  std::string content_type;
  for (const auto& [name, value] : request.headers) {
    if (name == "content-type") content_type = value;
  }
  std::string path_info;
  for (const auto& [name, value] : route_env) {
    if (name == "PATH_INFO") path_info = value;
  }
  std::vector<std::string> env = {
      "AUTH_TYPE=",
      "CONTENT_LENGTH=" + std::to_string(request.body.size()),
      // Spin leaves CONTENT_TYPE empty by a header-lookup bug; CGI says it is
      // the request's content type, so that is what Spindle sets.
      "CONTENT_TYPE=" + content_type,
      "GATEWAY_INTERFACE=CGI/1.1",
      "QUERY_STRING=" + request.query,
      "REMOTE_ADDR=" + request.client_ip,
      "REMOTE_HOST=" + request.client_ip,
      "REMOTE_USER=",
      "REQUEST_METHOD=" + request.method,
      "SCRIPT_NAME=" + script_name,
      "X_RAW_PATH_INFO=" + path_info,
      "PATH_TRANSLATED=" + PercentDecode(path_info),
      "SERVER_NAME=" + server_name,
      "SERVER_PORT=" + server_port,
      "SERVER_PROTOCOL=HTTP/1.1",
      "SERVER_SOFTWARE=WAGI/1",
  };
  for (const auto& [name, value] : route_env) env.push_back(name + "=" + value);
  for (const auto& [name, value] : request.headers) {
    // RFC 3875 §4.1.18: credentials and hop-by-hop fields stay out.
    if (name == "authorization" || name == "connection") continue;
    env.push_back(CgiHeaderName(name) + "=" + value);
  }
  // Later entries override earlier ones with the same name, like Spin's map.
  std::vector<std::string> unique;
  for (auto it = env.rbegin(); it != env.rend(); ++it) {
    const std::string key = it->substr(0, it->find('='));
    const bool seen = std::any_of(unique.begin(), unique.end(), [&](const std::string& entry) {
      return entry.compare(0, key.size() + 1, key + "=") == 0;
    });
    if (!seen) unique.push_back(*it);
  }
  std::reverse(unique.begin(), unique.end());
  return unique;
}

Result<HttpResponse> RunWagi(ComponentHost& host, const LoadedComponent& component,
                             const app::HttpExecutor& executor, const HttpRequest& request,
                             std::vector<std::string> argv, std::vector<std::string> env,
                             const WagiOptions& options, std::string& log_detail) {
  auto stdout_capture = wasi::MemoryStream::Output(options.max_output_bytes);
  wasi::WasiOptions wasi_options;
  wasi_options.args = std::move(argv);
  wasi_options.env = std::move(env);
  wasi_options.stdin_binding = wasi::StreamBinding::Memory(wasi::MemoryStream::Input(request.body));
  wasi_options.stdout_binding = wasi::StreamBinding::Memory(stdout_capture);
  wasi_options.stderr_binding = options.stderr_fd >= 0 ? wasi::StreamBinding::HostFd(options.stderr_fd)
                                                       : wasi::StreamBinding::Closed();
  Invocation invocation(host, component);
  if (Status started = invocation.Start(std::move(wasi_options)); !started.ok()) {
    log_detail = invocation.Describe(started.error());
    return std::move(started).error();
  }
  Function* entry = invocation.instance()->GetFunction(executor.entrypoint);
  if (!entry) {
    log_detail = "the module does not export \"" + executor.entrypoint + "\"";
    return MakeError(Phase::kRuntime, log_detail);
  }
  auto result = Call(invocation.store(), entry, {});
  if (!result.ok()) {
    const Error& error = result.error();
    const bool clean_exit = TrapKindOf(error) == TrapKind::kExit && error.exit_code == 0;
    if (!clean_exit) {
      log_detail = TrapKindOf(error) == TrapKind::kExit
                       ? "the guest exited with status " + std::to_string(error.exit_code)
                       : invocation.Describe(error);
      return Error(error);
    }
  }
  if (stdout_capture->overflowed()) {
    log_detail = "the response is larger than the limit of " +
                 std::to_string(options.max_output_bytes) + " bytes";
    return MakeError(Phase::kRuntime, log_detail);
  }
  if (stdout_capture->contents().empty()) {
    log_detail = "configured to use the WAGI executor but did not write to stdout";
    return MakeError(Phase::kRuntime, log_detail);
  }
  auto response = ParseCgiOutput(stdout_capture->contents());
  if (!response.ok()) log_detail = response.error().message;
  return response;
}

}  // namespace spindle::triggers
