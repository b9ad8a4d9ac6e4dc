#include "tests/common/child_process.h"
#include "tests/oci/oci_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

extern char** environ;

namespace spindle::oci_test {
using test_support::DecodeStatus;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char kHelloText[] =
    "hello from a data layer: this text is longer than 128 bytes, so spindle registry push "
    "stores it as its own application/vnd.wasm.content.layer.v1+data blob.\n";
const char kSmallText[] = "small and inline\n";

std::string AssetGuestPath() { return std::string(SPINDLE_OCI_GUEST_DIR) + "/asset_guest.wasm"; }

std::string FindTool(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

namespace {

// Tools are looked up here first, so a missing one is -1 at once.
pid_t Spawn(std::vector<std::string> argv, const std::string& out_path,
            const std::string& err_path) {
  if (!argv.empty() && argv[0].find('/') == std::string::npos) {
    const std::string found = FindTool(argv[0]);
    if (found.empty()) return -1;
    argv[0] = found;
  }
  return test_support::Spawn(argv, out_path, err_path);
}

void KillAndReap(pid_t pid) {
  kill(pid, SIGTERM);
  const auto deadline = Clock::now() + milliseconds(3000);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
}

}  // namespace

ProcessResult RunTool(const std::vector<std::string>& argv, milliseconds timeout) {
  http_test::TempDir dir;
  ProcessResult result;
  const pid_t pid = Spawn(argv, dir.path() + "/out", dir.path() + "/err");
  if (pid < 0) {
    result.err = "cannot start " + argv[0];
    return result;
  }
  const auto deadline = Clock::now() + timeout;
  int wait_status = 0;
  for (;;) {
    if (waitpid(pid, &wait_status, WNOHANG) == pid) break;
    if (Clock::now() >= deadline) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      waitpid(pid, &wait_status, 0);
      break;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  result.status = DecodeStatus(wait_status);
  result.out = http_test::ReadFile(dir.path() + "/out");
  result.err = http_test::ReadFile(dir.path() + "/err");
  return result;
}

void IsolateEnvironment(const std::string& dir) {
  fs::create_directories(dir + "/home");
  fs::create_directories(dir + "/cache");
  setenv("HOME", (dir + "/home").c_str(), 1);
  setenv("XDG_CACHE_HOME", (dir + "/cache").c_str(), 1);
  setenv("XDG_CONFIG_HOME", (dir + "/home/.config").c_str(), 1);
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

Registry::~Registry() { Stop(); }

void Registry::Stop() {
  if (pid_ > 0) KillAndReap(pid_);
  pid_ = -1;
}

bool Registry::Start(std::string& error, const std::string& extra_config) {
  port_ = FreePort();
  data_dir_ = dir_.path() + "/data";
  const std::string config = dir_.path() + "/config.yml";
  http_test::WriteFile(config,
                       "version: 0.1\n"
                       "log:\n  level: error\n  accesslog:\n    disabled: true\n"
                       "storage:\n  filesystem:\n    rootdirectory: " + data_dir_ + "\n"
                       "  delete:\n    enabled: true\n"
                       "http:\n  addr: " + host() + "\n" + extra_config);
  pid_ = Spawn({"docker-registry", "serve", config}, dir_.path() + "/out", dir_.path() + "/err");
  if (pid_ < 0) {
    error = "cannot start docker-registry";
    return false;
  }
  const auto deadline = Clock::now() + milliseconds(15000);
  for (;;) {
    const http_test::HttpResult probe = http_test::Get("http://" + host() + "/v2/");
    if (probe.ok() && (probe.status == 200 || probe.status == 401)) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error = "docker-registry exited: " + http_test::ReadFile(dir_.path() + "/err");
      return false;
    }
    if (Clock::now() >= deadline) {
      error = "docker-registry did not answer /v2/ within 15 s: " +
              http_test::ReadFile(dir_.path() + "/err");
      Stop();
      return false;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
}

std::string WriteAssetApp(const std::string& dir, const std::string& version) {
  fs::create_directories(dir + "/bin");
  fs::copy_file(AssetGuestPath(), dir + "/bin/asset_guest.wasm",
                fs::copy_options::overwrite_existing);
  http_test::WriteFile(dir + "/static/hello.txt", kHelloText);
  http_test::WriteFile(dir + "/static/secret/key.txt", "do not ship me\n");
  http_test::WriteFile(dir + "/small.txt", kSmallText);
  const std::string manifest = dir + "/spin.toml";
  http_test::WriteFile(manifest,
                       "spin_manifest_version = 2\n"
                       "[application]\n"
                       "name = \"assets\"\n"
                       "version = \"" + version + "\"\n"
                       "description = \"serves its files\"\n"
                       "authors = [\"Spindle Tests <tests@example.com>\"]\n"
                       "[[trigger.http]]\n"
                       "route = \"/...\"\n"
                       "component = \"assets\"\n"
                       "executor = { type = \"wagi\" }\n"
                       "[component.assets]\n"
                       "source = \"bin/asset_guest.wasm\"\n"
                       "files = [{ source = \"static\", destination = \"/static\" }, \"small.txt\"]\n"
                       "exclude_files = [\"static/secret/*\"]\n");
  return manifest;
}

}  // namespace spindle::oci_test
