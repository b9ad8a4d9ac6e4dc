// Shared pieces of the services tests: temporary directories, free ports,
// a real redis-server child, a small loopback HTTP server and a capture of
// log lines. Every wait is bounded; children are killed and reaped.
#pragma once

#include <spdlog/logger.h>

#include "tests/common/files.h"
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace spindle::services_test {

using test_support::TempDir;
using test_support::WriteFile;

// A loopback TCP port nothing listens on (at the time of the call).
int FreePort();

// `redis-server --port P --save "" --appendonly no` in a temp dir, up until
// destroyed. ok() is false (and error() says why) if it did not start.
class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  bool ok() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

// A raw HTTP/1.1 request as the test server saw it.
struct SeenRequest {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
};

// A one-thread HTTP/1.1 server on 127.0.0.1. `handler` gets each request
// and returns the whole raw response (status line, headers, body); the
// connection is closed after it.
class HttpTestServer {
 public:
  using Handler = std::function<std::string(const SeenRequest&)>;
  explicit HttpTestServer(Handler handler);
  ~HttpTestServer();
  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int requests() const { return requests_.load(); }

 private:
  void Serve();

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// "HTTP/1.1 <status> X\r\nContent-Length: N\r\n<extra>\r\n<body>"
std::string RawResponse(int status, const std::string& body, const std::string& extra_headers = "");

// Sends spdlog's default logger (level debug) to a buffer while alive.
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  std::string text() const { return stream_->str(); }

 private:
  std::shared_ptr<std::ostringstream> stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace spindle::services_test
