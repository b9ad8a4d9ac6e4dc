#include "tests/common/child_process.h"
#include "tests/http/http_harness.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

extern char** environ;

namespace spindle::http_test {
using test_support::DecodeStatus;
using test_support::Spawn;
using test_support::WaitUntil;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string SpindleBinary() { return std::string(SPINDLE_BIN_DIR) + "/spindle"; }

std::string GuestPath(const std::string& name) {
  return std::string(SPINDLE_HTTP_GUEST_DIR) + "/" + name + ".wasm";
}

std::string ExamplesDir() { return SPINDLE_EXAMPLES_DIR; }

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IEquals(std::string_view a, std::string_view b) { return Lower(a) == Lower(b); }

std::string Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

std::string ShortenLongLines(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > 400) {
      line = line.substr(0, 200) + "...(" + std::to_string(line.size()) + " bytes)";
    }
    out += line + "\n";
  }
  return out;
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void EnsureCurl() {
  static CurlGlobal global;
  (void)global;
}

}  // namespace

// ---- files and directories ---------------------------------------------------

std::string WithGuests(std::string text) {
  const std::pair<std::string, std::string> names[] = {{"@SPIN1@", GuestPath("spin1_guest")},
                                                       {"@WAGI@", GuestPath("wagi_guest")}};
  for (const auto& [token, path] : names) {
    size_t at = 0;
    while ((at = text.find(token, at)) != std::string::npos) {
      text.replace(at, token.size(), path);
      at += path.size();
    }
  }
  return text;
}

// ---- processes ---------------------------------------------------------------

std::string ProcessResult::Describe() const {
  std::string text = "exit status " + std::to_string(status);
  if (timed_out) text += " (killed at its deadline)";
  return text + "\n--- stdout ---\n" + ShortenLongLines(out) + "--- stderr ---\n" +
         ShortenLongLines(err);
}

ProcessResult RunSpindle(const std::vector<std::string>& args, milliseconds timeout) {
  TempDir dir;
  const std::string out_path = dir.path() + "/stdout", err_path = dir.path() + "/stderr";
  std::vector<std::string> argv = {SpindleBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult result;
  const pid_t pid = Spawn(argv, out_path, err_path);
  if (pid < 0) {
    result.err = "cannot start " + argv[0];
    return result;
  }
  int wait_status = 0;
  if (!WaitUntil(pid, Clock::now() + timeout, wait_status)) {
    result.timed_out = true;
    kill(pid, SIGKILL);
    waitpid(pid, &wait_status, 0);
  }
  result.status = DecodeStatus(wait_status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

std::string EchoAndCgiManifest(const std::string& name) {
  return WithGuests(R"(spin_manifest_version = 2

[application]
name = ")" + name + R"("

[[trigger.http]]
route = "/spin/..."
component = "echo"

[[trigger.http]]
route = "/cgi/..."
component = "cgi"
executor = { type = "wagi" }

[component.echo]
source = "@SPIN1@"

[component.cgi]
source = "@WAGI@"
)");
}

EchoAndCgiApp::EchoAndCgiApp(const std::string& name, const std::vector<std::string>& args) {
  WriteFile(app_.path() + "/spin.toml", EchoAndCgiManifest(name));
  std::string error;
  started_ = server_.Start(app_.path(), args, error);
  if (!started_) ADD_FAILURE() << error;
}

SpindleServer::~SpindleServer() { Stop(milliseconds(5000)); }

bool SpindleServer::Start(const std::string& from, const std::vector<std::string>& args,
                          std::string& error, std::string log_dir) {
  dir_.emplace();
  log_dir_ = log_dir.empty() ? dir_->path() + "/logs" : log_dir;
  std::vector<std::string> argv = {SpindleBinary(), "up",      "-f",       from, "--listen",
                                   "127.0.0.1:0",   "--log-dir", log_dir_};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = Spawn(argv, dir_->path() + "/stdout", dir_->path() + "/stderr");
  reaped_ = false;
  if (pid_ < 0) {
    error = "cannot start " + argv[0];
    return false;
  }
  const auto deadline = Clock::now() + milliseconds(20000);
  for (;;) {
    const std::string out = Stdout();
    const size_t serving = out.find("Serving http://127.0.0.1:");
    if (serving != std::string::npos && out.find("Available Routes:\n", serving) != std::string::npos) {
      port_ = std::atoi(out.c_str() + serving + std::strlen("Serving http://127.0.0.1:"));
      if (port_ > 0) return true;
    }
    if (!running()) {
      error = "spindle up exited with status " + std::to_string(status_) +
              " before serving\n--- stdout ---\n" + Stdout() + "--- stderr ---\n" + Stderr();
      return false;
    }
    if (Clock::now() >= deadline) {
      error = "spindle up did not print its banner within 20 s\n--- stdout ---\n" + Stdout() +
              "--- stderr ---\n" + Stderr();
      Stop(milliseconds(1000));
      return false;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
}

std::string SpindleServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::string SpindleServer::Stdout() const { return dir_ ? ReadFile(dir_->path() + "/stdout") : ""; }
std::string SpindleServer::Stderr() const { return dir_ ? ReadFile(dir_->path() + "/stderr") : ""; }

bool SpindleServer::running() {
  if (pid_ <= 0 || reaped_) return false;
  int wait_status = 0;
  const pid_t got = waitpid(pid_, &wait_status, WNOHANG);
  if (got == pid_) {
    reaped_ = true;
    status_ = DecodeStatus(wait_status);
    return false;
  }
  return true;
}

bool SpindleServer::WaitForOutput(const std::string& text, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (Stdout().find(text) != std::string::npos || Stderr().find(text) != std::string::npos) {
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
}

int SpindleServer::Stop(milliseconds grace, int signal) {
  if (pid_ <= 0 || reaped_) return status_;
  kill(pid_, signal);
  int wait_status = 0;
  if (!WaitUntil(pid_, Clock::now() + grace, wait_status)) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &wait_status, 0);
  }
  reaped_ = true;
  status_ = DecodeStatus(wait_status);
  return status_;
}

// ---- libcurl -----------------------------------------------------------------

namespace {

size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* user) {
  auto* result = static_cast<HttpResult*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    result->headers.clear();  // a new response (after 100 Continue, say)
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    result->headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                 Trim(line.substr(colon + 1)));
  }
  return size * count;
}

}  // namespace

std::string HttpResult::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (IEquals(key, name)) return value;
  }
  return "";
}

std::vector<std::string> HttpResult::HeaderValues(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (IEquals(key, name)) values.push_back(value);
  }
  return values;
}

std::string HttpResult::Describe() const {
  std::string text = ok() ? "HTTP " + std::to_string(status) : "curl error: " + error;
  for (const auto& [key, value] : headers) text += "\n  " + key + ": " + value;
  text += "\n  body (" + std::to_string(body.size()) + " bytes): " + body.substr(0, 2000);
  return text;
}

HttpResult Fetch(const HttpCall& call) {
  EnsureCurl();
  HttpResult result;
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  for (const std::string& header : call.headers) headers = curl_slist_append(headers, header.c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, call.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result);
  if (call.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (call.method != "GET" || call.body) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }
  if (call.body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body->size()));
  }
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const auto start = Clock::now();
  const CURLcode code = curl_easy_perform(curl);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.curl_code = static_cast<int>(code);
  if (code != CURLE_OK) {
    result.error = error[0] ? error : curl_easy_strerror(code);
  } else {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

HttpResult Get(const std::string& url, std::vector<std::string> headers) {
  HttpCall call;
  call.url = url;
  call.headers = std::move(headers);
  return Fetch(call);
}

// ---- raw sockets -------------------------------------------------------------

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

bool RawClient::Connect(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return false;
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

bool RawClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t put = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(put));
  }
  return true;
}

int RawClient::local_port() const {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) return -1;
  return ntohs(address.sin_port);
}

// Reads what is available into buffer_; false on EOF, error or deadline.
bool RawClient::Fill(Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd poller{fd_, POLLIN, 0};
    const int ready = poll(&poller, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[65536];
    const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(got));
    return true;
  }
}

std::optional<std::string> RawClient::ReadResponse(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return std::nullopt;
  }
  header_end += 4;
  const RawResponse head = ParseRawResponse(buffer_.substr(0, header_end));
  size_t total = header_end;
  if (IEquals(head.Header("transfer-encoding"), "chunked")) {
    // Walk the chunks until the last one and its (empty) trailer.
    size_t at = header_end;
    for (;;) {
      size_t line_end;
      while ((line_end = buffer_.find("\r\n", at)) == std::string::npos) {
        if (!Fill(deadline)) return std::nullopt;
      }
      const size_t size = std::strtoul(buffer_.c_str() + at, nullptr, 16);
      at = line_end + 2;
      if (size == 0) {
        while (buffer_.size() < at + 2) {
          if (!Fill(deadline)) return std::nullopt;
        }
        at += 2;
        break;
      }
      while (buffer_.size() < at + size + 2) {
        if (!Fill(deadline)) return std::nullopt;
      }
      at += size + 2;
    }
    total = at;
  } else {
    const std::string length = head.Header("content-length");
    total += length.empty() ? 0 : std::strtoul(length.c_str(), nullptr, 10);
    while (buffer_.size() < total) {
      if (!Fill(deadline)) return std::nullopt;
    }
  }
  std::string response = buffer_.substr(0, total);
  buffer_.erase(0, total);
  return response;
}

bool RawClient::WaitForClose(milliseconds timeout, std::string* received) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd poller{fd_, POLLIN, 0};
    const int ready = poll(&poller, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[65536];
    const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return true;
    if (received) received->append(chunk, static_cast<size_t>(got));
  }
}

std::string RawResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (IEquals(key, name)) return value;
  }
  return "";
}

RawResponse ParseRawResponse(const std::string& bytes) {
  RawResponse response;
  const size_t header_end = bytes.find("\r\n\r\n");
  const std::string head = bytes.substr(0, header_end);
  size_t at = head.find("\r\n");
  response.status_line = head.substr(0, at);
  if (response.status_line.size() > 12) response.status = std::atoi(response.status_line.c_str() + 9);
  while (at != std::string::npos) {
    const size_t start = at + 2;
    at = head.find("\r\n", start);
    const std::string line = head.substr(start, at == std::string::npos ? std::string::npos : at - start);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      response.headers.emplace_back(line.substr(0, colon), Trim(line.substr(colon + 1)));
    }
  }
  if (header_end == std::string::npos) return response;
  const std::string rest = bytes.substr(header_end + 4);
  if (IEquals(response.Header("transfer-encoding"), "chunked")) {
    size_t pos = 0;
    for (;;) {
      const size_t line_end = rest.find("\r\n", pos);
      if (line_end == std::string::npos) break;
      const size_t size = std::strtoul(rest.c_str() + pos, nullptr, 16);
      if (size == 0) break;
      response.body += rest.substr(line_end + 2, size);
      pos = line_end + 2 + size + 2;
    }
  } else {
    response.body = rest;
  }
  return response;
}

// ---- guest output ------------------------------------------------------------

std::string Spin1Echo::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

int Spin1Echo::Count(std::string_view name) const {
  return static_cast<int>(std::count_if(headers.begin(), headers.end(),
                                        [&](const auto& header) { return header.first == name; }));
}

Spin1Echo ParseSpin1Echo(const std::string& text) {
  Spin1Echo echo;
  size_t at = 0;
  while (at < text.size()) {
    if (text.compare(at, 5, "body=") == 0) {
      echo.body = text.substr(at + 5);
      echo.parsed = true;
      break;
    }
    const size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    const size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    const std::string key = line.substr(0, equals), value = line.substr(equals + 1);
    if (key == "method") echo.method = std::atoi(value.c_str());
    if (key == "uri") echo.uri = value;
    if (key == "params") echo.params = std::atoi(value.c_str());
    if (key == "body-tag") echo.body_tag = std::atoi(value.c_str());
    if (key == "body-length") echo.body_length = std::atol(value.c_str());
    if (key == "header") {
      const size_t colon = value.find(": ");
      echo.headers.emplace_back(value.substr(0, colon),
                                colon == std::string::npos ? "" : value.substr(colon + 2));
    }
  }
  return echo;
}

CgiDump ParseCgiDump(const std::string& text) {
  CgiDump dump;
  size_t at = 0;
  while (at < text.size()) {
    if (text.compare(at, 6, "stdin=") == 0) {
      dump.stdin_body = text.substr(at + 6);
      dump.parsed = true;
      break;
    }
    const size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    if (line.rfind("argv[", 0) == 0) {
      dump.argv.push_back(line.substr(line.find("]=") + 2));
    } else if (line.rfind("env=", 0) == 0) {
      const std::string entry = line.substr(4);
      const size_t equals = entry.find('=');
      const std::string name = entry.substr(0, equals);
      dump.env[name] = equals == std::string::npos ? "" : entry.substr(equals + 1);
      dump.env_names.push_back(name);
    }
  }
  return dump;
}

}  // namespace spindle::http_test
