// A registry front for tests of what docker-registry alone cannot show:
// the Bearer token flow and redirected blob downloads. It answers /v2/
// requests with 401 + `WWW-Authenticate: Bearer realm=<its /token>` until
// they carry its token, hands out the token at /token only for the right
// Basic credentials, redirects blob GETs to /storage/..., and forwards
// everything else to a real registry. One connection at a time, closed
// after each answer; a background thread, stopped and joined by Stop().
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace spindle::oci_test {

class AuthProxy {
 public:
  AuthProxy(std::string backend_host, std::string user, std::string password);
  ~AuthProxy();
  AuthProxy(const AuthProxy&) = delete;
  AuthProxy& operator=(const AuthProxy&) = delete;

  bool Start(std::string& error);
  // From now on, flip one byte of every blob served from /storage.
  void CorruptBlobs() { corrupt_ = true; }
  void Stop();
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

  // What it saw: "token scope=<scope>", "redirect <path>", "forward <path>".
  std::vector<std::string> Events();

 private:
  void Serve();
  void Handle(int fd);
  void Record(std::string event);

  std::string backend_;
  std::string basic_;  // expected "Basic <base64>"
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> corrupt_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> events_;
};

}  // namespace spindle::oci_test
