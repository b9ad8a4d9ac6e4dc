// The end-to-end harness for `spindle up`: temporary app directories, the
// server as a child process, an HTTP client (libcurl) and a raw socket
// client for what curl hides (exact bytes, half-sent headers, pipelining).
// Every wait is bounded; a server still running when its owner goes away is
// killed and reaped.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/common/files.h"

namespace spindle::http_test {

using Headers = std::vector<std::pair<std::string, std::string>>;
using std::chrono::milliseconds;

// Paths of the built binaries and guests.
std::string SpindleBinary();
std::string GuestPath(const std::string& name);  // "spin1_guest" -> .../spin1_guest.wasm
std::string ExamplesDir();                       // build/examples

using test_support::ReadFile;
using test_support::TempDir;
using test_support::WriteFile;

// Replaces every "@NAME@" in `text` with the path of that guest module
// (@SPIN1@ -> spin1_guest.wasm, @WAGI@ -> wagi_guest.wasm).
std::string WithGuests(std::string text);

// An app named `name` with the Spin 1 echo guest at /spin/... and the WAGI
// guest at /cgi/..., guest paths filled in.
std::string EchoAndCgiManifest(const std::string& name);

struct ProcessResult {
  int status = -1;         // exit status; 128 + N when killed by signal N
  bool timed_out = false;
  std::string out, err;
  std::string Describe() const;
};

// `spindle ARGS...` to completion, bounded by `timeout`.
ProcessResult RunSpindle(const std::vector<std::string>& args,
                         milliseconds timeout = milliseconds(20000));

// `spindle up` as a child process. Its stdout and stderr go to files in
// a private directory, so a chatty server can never block on a full pipe.
class SpindleServer {
 public:
  SpindleServer() = default;
  ~SpindleServer();
  SpindleServer(const SpindleServer&) = delete;
  SpindleServer& operator=(const SpindleServer&) = delete;

  // Runs `spindle up -f FROM --listen 127.0.0.1:0 --log-dir LOGS ARGS...`
  // and waits (bounded) for the banner. On failure returns false with the
  // reason and the server's output in `error`. `log_dir` empty: a "logs"
  // directory next to the output files.
  bool Start(const std::string& from, const std::vector<std::string>& args, std::string& error,
             std::string log_dir = "");

  int port() const { return port_; }
  std::string url(std::string_view path) const;  // "http://127.0.0.1:PORT" + path
  const std::string& log_dir() const { return log_dir_; }
  std::string Stdout() const;
  std::string Stderr() const;
  bool running();  // reaps if it has exited

  // Waits (bounded) until stdout or stderr contains `text`.
  bool WaitForOutput(const std::string& text, milliseconds timeout);

  // `signal` (SIGTERM by default), then SIGKILL after `grace`; returns the
  // exit status (as ProcessResult::status) and reaps. Idempotent.
  int Stop(milliseconds grace = milliseconds(10000), int signal = 15);

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = -1;
  int port_ = 0;
  std::optional<TempDir> dir_;
  std::string log_dir_;
};

// The EchoAndCgiManifest app served by `spindle up ARGS...`; the test fails
// if it cannot start.
class EchoAndCgiApp {
 public:
  EchoAndCgiApp(const std::string& name, const std::vector<std::string>& args);
  bool started() const { return started_; }
  SpindleServer& server() { return server_; }

 private:
  TempDir app_;
  SpindleServer server_;
  bool started_ = false;
};

// ---- HTTP with libcurl -------------------------------------------------------

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"; "Name:" removes one of curl's
  std::optional<std::string> body;
  long timeout_ms = 15000;
};

struct HttpResult {
  int curl_code = 0;  // CURLcode; 0 = OK
  std::string error;
  long status = 0;
  Headers headers;    // names lower-cased, in order
  std::string body;
  double seconds = 0;

  bool ok() const { return curl_code == 0; }
  std::string Header(std::string_view name) const;  // first value; "" if absent
  std::vector<std::string> HeaderValues(std::string_view name) const;
  std::string Describe() const;
};

HttpResult Fetch(const HttpCall& call);
HttpResult Get(const std::string& url, std::vector<std::string> headers = {});

// ---- raw sockets -------------------------------------------------------------

class RawClient {
 public:
  RawClient() = default;
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool Connect(int port);
  bool Send(std::string_view bytes);
  // Reads exactly one response (header block, then Content-Length bytes or
  // a chunked body) and returns its bytes as sent; nullopt on timeout or
  // when the connection ends first. Bytes after it are kept for the next.
  std::optional<std::string> ReadResponse(milliseconds timeout = milliseconds(10000));
  // True when the server closes the connection (EOF or reset) within
  // `timeout`; anything it sends meanwhile is appended to `received`.
  bool WaitForClose(milliseconds timeout, std::string* received = nullptr);
  int local_port() const;

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
};

struct RawResponse {
  std::string status_line;
  int status = 0;
  Headers headers;  // as sent (case kept)
  std::string body; // de-chunked when chunked
  std::string Header(std::string_view name) const;  // case-insensitive, first
};
RawResponse ParseRawResponse(const std::string& bytes);

// ---- what the guests answer --------------------------------------------------

// The Spin 1 guest's echo body.
struct Spin1Echo {
  int method = -1;
  std::string uri;
  Headers headers;
  int params = -1;
  int body_tag = -1;
  long body_length = -2;
  std::string body;
  bool parsed = false;
  std::string Header(std::string_view name) const;  // exact name, first; "" if absent
  int Count(std::string_view name) const;
};
Spin1Echo ParseSpin1Echo(const std::string& text);

// The WAGI guest's dump body.
struct CgiDump {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  std::vector<std::string> env_names;  // in order, with duplicates
  std::string stdin_body;
  bool parsed = false;
};
CgiDump ParseCgiDump(const std::string& text);

}  // namespace spindle::http_test
