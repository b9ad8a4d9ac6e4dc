// The HTTP/1.1 server: Boost.Beast on Asio, keep-alive, chunked request
// bodies, and limits on header size (431), body size (413) and the time a
// client may take to send a request (slow senders are disconnected). It
// knows nothing of apps: every complete request goes to a RequestHandler.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "engine/base/result.h"
#include "triggers/http/http_message.h"

namespace spindle::triggers {

struct ServerLimits {
  size_t max_header_bytes = 64 * 1024;
  size_t max_body_bytes = 32ull << 20;
  // From the first byte of a request until its header is complete; also how
  // long a keep-alive connection may stay idle.
  std::chrono::milliseconds header_timeout{15000};
  // For the body, once the header is in.
  std::chrono::milliseconds body_timeout{60000};
  // How long Stop() lets requests already received finish before the
  // server ends regardless.
  std::chrono::milliseconds drain_timeout{10000};
};

// Called on an I/O thread for each request. `respond` must be called exactly
// once, from any thread.
using Responder = std::function<void(HttpResponse)>;
using RequestHandler = std::function<void(HttpRequest, Responder)>;

class HttpServer {
 public:
  // Binds and listens on "host:port" (port 0 picks a free port).
  static Result<std::unique_ptr<HttpServer>> Listen(const std::string& address,
                                                    ServerLimits limits, RequestHandler handler);
  ~HttpServer();

  // "host:port" actually bound.
  std::string local_address() const;

  // Serves on `threads` I/O threads until Stop(); returns after they end.
  void Run(size_t threads);
  // Stops accepting, closes idle connections, lets requests already
  // received be answered (each connection then closes), and ends Run() when
  // none is left or the drain timeout passes. Safe from any thread.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace spindle::triggers
