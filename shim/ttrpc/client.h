// A ttrpc client for unary calls, used to publish events to containerd
// ($TTRPC_ADDRESS). One call at a time per client.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/base/result.h"

namespace spindle::ttrpc {

class Client {
 public:
  // `address`: a socket path, optionally prefixed with "unix://".
  static Result<std::unique_ptr<Client>> Connect(const std::string& address);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request and waits (at most `timeout`) for its response;
  // returns the response payload, or an error naming the status code.
  Result<std::string> Call(const std::string& service, const std::string& method,
                           const std::string& payload,
                           const std::map<std::string, std::string>& metadata,
                           std::chrono::milliseconds timeout);

 private:
  explicit Client(int fd) : fd_(fd) {}
  int fd_;
  uint32_t next_stream_id_ = 1;  // client streams are odd
  std::mutex mutex_;
};

}  // namespace spindle::ttrpc
