#include "tests/oci/auth_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>

#include "app/base64.h"
#include "tests/http/http_harness.h"

namespace spindle::oci_test {
namespace {

constexpr char kToken[] = "test-token-1234";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t put = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (put <= 0) return;
    sent += static_cast<size_t>(put);
  }
}

void Respond(int fd, int status, const std::vector<std::string>& headers, const std::string& body,
             bool head = false) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
  for (const std::string& header : headers) out += header + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  if (!head) out += body;
  SendAll(fd, out);
}

}  // namespace

AuthProxy::AuthProxy(std::string backend_host, std::string user, std::string password)
    : backend_(std::move(backend_host)), basic_("Basic " + app::Base64Encode(user + ":" + password)) {}

AuthProxy::~AuthProxy() { Stop(); }

bool AuthProxy::Start(std::string& error) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_, 16) != 0) {
    error = "auth proxy: cannot listen";
    return false;
  }
  socklen_t length = sizeof address;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Serve(); });
  return true;
}

void AuthProxy::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listener_ >= 0) close(listener_);
  listener_ = -1;
}

std::vector<std::string> AuthProxy::Events() {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_;
}

void AuthProxy::Record(std::string event) {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(std::move(event));
}

void AuthProxy::Serve() {
  while (!stop_) {
    pollfd poller{listener_, POLLIN, 0};
    if (poll(&poller, 1, 50) <= 0) continue;
    const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Handle(fd);
    close(fd);
  }
}

void AuthProxy::Handle(int fd) {
  std::string request;
  char buffer[8192];
  while (request.find("\r\n\r\n") == std::string::npos) {
    pollfd poller{fd, POLLIN, 0};
    if (poll(&poller, 1, 5000) <= 0) return;
    const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) return;
    request.append(buffer, static_cast<size_t>(got));
  }
  const size_t line_end = request.find("\r\n");
  const std::string line = request.substr(0, line_end);
  const std::string method = line.substr(0, line.find(' '));
  const size_t path_start = line.find(' ') + 1;
  const std::string target = line.substr(path_start, line.rfind(' ') - path_start);
  std::string authorization, accept;
  size_t at = line_end + 2;
  while (at < request.size()) {
    const size_t end = request.find("\r\n", at);
    if (end == std::string::npos || end == at) break;
    const std::string header = request.substr(at, end - at);
    const size_t colon = header.find(':');
    if (colon != std::string::npos) {
      const std::string name = Lower(header.substr(0, colon));
      std::string value = header.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      if (name == "authorization") authorization = value;
      if (name == "accept") accept = value;
    }
    at = end + 2;
  }
  const bool head = method == "HEAD";

  if (target.rfind("/token", 0) == 0) {
    if (authorization != basic_) {
      Respond(fd, 401, {"Content-Type: application/json"}, R"({"errors":[{"code":"UNAUTHORIZED"}]})");
      return;
    }
    const size_t scope = target.find("scope=");
    Record("token scope=" + (scope == std::string::npos ? std::string() : target.substr(scope + 6)));
    Respond(fd, 200, {"Content-Type: application/json"}, std::string(R"({"token":")") + kToken + "\"}");
    return;
  }
  std::string backend_path = target;
  if (target.rfind("/storage/", 0) == 0) {
    backend_path = target.substr(8);  // storage needs no token, like a signed URL
  } else {
    if (authorization != std::string("Bearer ") + kToken) {
      Respond(fd, 401,
              {"Content-Type: application/json",
               "WWW-Authenticate: Bearer realm=\"http://" + host() +
                   "/token\",service=\"spindle-test\",scope=\"repository:test/assets:pull\""},
              R"({"errors":[{"code":"UNAUTHORIZED"}]})", head);
      return;
    }
    if (method == "GET" && target.find("/blobs/") != std::string::npos) {
      Record("redirect " + target);
      Respond(fd, 307, {"Location: http://" + host() + "/storage" + target}, "");
      return;
    }
  }
  Record("forward " + backend_path);
  http_test::HttpCall call;
  call.method = method;
  call.url = "http://" + backend_ + backend_path;
  if (!accept.empty()) call.headers.push_back("Accept: " + accept);
  const http_test::HttpResult result = http_test::Fetch(call);
  if (!result.ok()) {
    Respond(fd, 502, {}, result.error);
    return;
  }
  std::vector<std::string> headers;
  for (const char* name : {"content-type", "docker-content-digest"}) {
    const std::string value = result.Header(name);
    if (!value.empty()) headers.push_back(std::string(name) + ": " + value);
  }
  std::string body = result.body;
  if (corrupt_ && target.rfind("/storage/", 0) == 0 && !body.empty()) body[body.size() / 2] ^= 0x20;
  Respond(fd, static_cast<int>(result.status), headers, body, head);
}

}  // namespace spindle::oci_test
