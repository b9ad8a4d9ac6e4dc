// A ttrpc server for unary calls on a listening Unix socket. Each connection
// has a reader thread, and each request runs on its own thread, because
// containerd multiplexes calls on one connection and some block (Wait)
// while others must still be answered (State, Kill).
//
// Thread safety: Register before Serve; Stop from any thread.
#pragma once

#include <google/protobuf/message_lite.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>

namespace spindle::ttrpc {

struct Call {
  std::string service;
  std::string method;
  std::string payload;
  std::map<std::string, std::string> metadata;
  int64_t timeout_nanos = 0;
};

struct Reply {
  int code = 0;  // a Code; 0 = OK
  std::string message;
  std::string payload;
  // Runs after the response has been written (e.g. exiting on Shutdown).
  std::function<void()> after_sent;

  static Reply Of(const google::protobuf::MessageLite& message);
  static Reply Error(int code, std::string message);
};

using Handler = std::function<Reply(const Call&)>;

class Server {
 public:
  // Takes ownership of `listen_fd`, a bound and listening socket.
  explicit Server(int listen_fd);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void Register(const std::string& service, const std::string& method, Handler handler);

  // Accepts and serves connections until Stop(). Unknown methods get
  // Unimplemented.
  void Serve();
  void Stop();

 private:
  void ServeConnection(int fd);
  Reply Dispatch(const std::string& request_bytes) const;

  int listen_fd_;
  std::atomic<bool> stopping_{false};
  std::map<std::string, Handler> handlers_;  // "service/method"
};

}  // namespace spindle::ttrpc
