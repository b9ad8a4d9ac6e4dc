#include "tests/common/child_process.h"
#include "tests/shim/shim_harness.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace spindle::shim_test {
using test_support::DecodeStatus;
using test_support::Spawn;
using test_support::WaitUntil;


namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string ShimBinary() { return std::string(SPINDLE_BIN_DIR) + "/containerd-shim-spindle-v2"; }
std::string SpindleBinary() { return std::string(SPINDLE_BIN_DIR) + "/spindle"; }
std::string SourceDir() { return SPINDLE_SHIM_TEST_SOURCE_DIR; }
std::string Spin1Guest() { return SPINDLE_SPIN1_GUEST; }

namespace {

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string ProcFile(pid_t pid, const char* name) {
  return ReadFile("/proc/" + std::to_string(pid) + "/" + name);
}

}  // namespace

std::string SkipReason() {
  if (geteuid() != 0) return "the shim tests need root (mounts, namespaces, containerd)";
  if (!OnPath("containerd") || !OnPath("ctr")) {
    return "containerd and ctr are not installed (apt-get install containerd)";
  }
  return "";
}

std::string ProcessResult::Describe() const {
  std::string text = timed_out ? "timed out" : "exit " + std::to_string(status);
  return text + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
}

ProcessResult RunCommand(const std::vector<std::string>& argv, milliseconds timeout) {
  ProcessResult result;
  char pattern[] = "/tmp/shim-run-XXXXXX";
  if (!mkdtemp(pattern)) return result;
  const std::string dir = pattern;
  const pid_t pid = Spawn(argv, dir + "/out", dir + "/err");
  if (pid > 0) {
    int wait_status = 0;
    if (!WaitUntil(pid, Clock::now() + timeout, wait_status)) {
      kill(pid, SIGKILL);
      waitpid(pid, &wait_status, 0);
      result.timed_out = true;
    }
    result.status = DecodeStatus(wait_status);
  } else {
    result.err = "cannot start " + argv[0];
  }
  result.out = ReadFile(dir + "/out");
  result.err += ReadFile(dir + "/err");
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return result;
}

bool Background::Start(const std::vector<std::string>& argv, const std::string& output_path) {
  pid_ = Spawn(argv, output_path, output_path + ".err");
  return pid_ > 0;
}

int Background::Wait(milliseconds timeout) {
  if (pid_ <= 0) return -1;
  int wait_status = 0;
  if (!WaitUntil(pid_, Clock::now() + timeout, wait_status)) return -1;
  pid_ = -1;
  return DecodeStatus(wait_status);
}

void Background::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int wait_status = 0;
  if (!WaitUntil(pid_, Clock::now() + milliseconds(10000), wait_status)) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &wait_status, 0);
  }
  pid_ = -1;
}

int FreeTcpPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

std::string HttpGet(const std::string& url, const std::vector<std::string>& prefix,
                    milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::vector<std::string> argv = prefix;
    for (const char* arg : {"curl", "-sS", "-m", "5", "-w", " %{http_code}", url.c_str()}) {
      argv.push_back(arg);
    }
    ProcessResult result = RunCommand(argv, milliseconds(10000));
    if (result.status == 0) {
      // Body, then " <status>": return "<status> <body>".
      const size_t space = result.out.rfind(' ');
      return result.out.substr(space + 1) + " " + result.out.substr(0, space);
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  return "";
}

bool BuildAppImage(const std::string& dir, const std::string& out, const std::string& name,
                   std::string& error, const std::string& format) {
  fs::create_directories(dir);
  std::error_code copy_error;
  fs::copy_file(Spin1Guest(), dir + "/spin1_guest.wasm", fs::copy_options::overwrite_existing,
                copy_error);
  if (copy_error) {
    error = "cannot copy " + Spin1Guest() + ": " + copy_error.message();
    return false;
  }
  WriteFile(dir + "/spin.toml", R"(spin_manifest_version = 2

[application]
name = "shimtest"
version = "0.1.0"

[[trigger.http]]
route = "/..."
component = "echo"

[component.echo]
source = "spin1_guest.wasm"
)");
  ProcessResult built = RunCommand({SpindleBinary(), "build", "--image", out, "-f",
                                    dir + "/spin.toml", "--name", name, "--format", format});
  if (built.status != 0) {
    error = "spindle build --image: " + built.Describe();
    return false;
  }
  return true;
}

// ---- Containerd ----------------------------------------------------------------

bool Containerd::Start(bool cri, std::string& error, const std::string& cni_bridge) {
  // Short: containerd's sockets and the shim's bundle paths must stay far
  // below the 108-byte limit of a Unix socket path.
  char pattern[] = "/tmp/sd.XXXXXX";
  if (!mkdtemp(pattern)) {
    error = "mkdtemp failed";
    return false;
  }
  dir_ = pattern;
  std::string config = "version = 2\nroot = \"" + dir_ + "/root\"\nstate = \"" + dir_ +
                       "/state\"\n";
  if (!cri) config += "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n";
  config += "[grpc]\n  address = \"" + socket() + "\"\n[ttrpc]\n  address = \"" + socket() +
            ".ttrpc\"\n[debug]\n  level = \"debug\"\n";
  if (cri) {
    fs::create_directories(dir_ + "/cni");
    config += "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
              "  sandbox_image = \"docker.io/library/test-pause:latest\"\n"
              "  [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
              "    default_runtime_name = \"spin\"\n"
              "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.spin]\n"
              "    runtime_type = \"" + ShimBinary() + "\"\n"
              "  [plugins.\"io.containerd.grpc.v1.cri\".cni]\n"
              "    conf_dir = \"" + dir_ + "/cni\"\n"
              "    bin_dir = \"/usr/lib/cni\"\n";
    // No network config: CRI only logs that, and node-network pods work.
    if (!cni_bridge.empty()) {
      cni_bridge_ = cni_bridge;
      WriteFile(dir_ + "/cni/10-spindle-test.conflist",
                R"({"cniVersion": "1.0.0", "name": "spindle-test", "plugins": [)"
                R"({"type": "bridge", "bridge": ")" + cni_bridge +
                    R"(", "isGateway": true, "ipMasq": false, "ipam": {"type": "host-local", )"
                    R"("ranges": [[{"subnet": "10.231.0.0/24"}]], "dataDir": ")" + dir_ +
                    R"(/cni-ipam"}}, {"type": "loopback"}]})");
    }
  }
  WriteFile(dir_ + "/config.toml", config);
  if (!daemon_.Start({"containerd", "--config", dir_ + "/config.toml"},
                     dir_ + "/containerd.log")) {
    error = "cannot start containerd";
    return false;
  }
  const auto deadline = Clock::now() + milliseconds(10000);
  while (Clock::now() < deadline) {
    if (Ctr({"version"}, "default", milliseconds(5000)).status == 0) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  error = "containerd did not come up: " + ReadFile(dir_ + "/containerd.log.err");
  return false;
}

Containerd::~Containerd() {
  if (dir_.empty()) return;
  daemon_.Stop();
  // What a failed test may have left: only this instance's processes.
  for (pid_t pid : ShimProcesses()) kill(pid, SIGKILL);
  WaitNoShims(milliseconds(5000));
  std::vector<std::string> mounts = Mounts();
  std::sort(mounts.rbegin(), mounts.rend());  // deepest first
  for (const std::string& mount : mounts) umount2(mount.c_str(), MNT_DETACH);
  if (!cni_bridge_.empty()) RunCommand({"ip", "link", "del", cni_bridge_});
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

ProcessResult Containerd::Ctr(const std::vector<std::string>& args, const std::string& ns,
                              milliseconds timeout) const {
  std::vector<std::string> argv = {"ctr", "-a", socket(), "-n", ns};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, timeout);
}

std::vector<pid_t> Containerd::ShimProcesses() const {
  std::vector<pid_t> pids;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    std::string cmdline = ProcFile(pid, "cmdline");
    const std::string argv0 = cmdline.substr(0, cmdline.find('\0'));
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    // Zombies have no command line: they hold nothing and cannot be reaped
    // by us (the shim's parent is init), so they do not count.
    if (argv0 == ShimBinary() && cmdline.find(dir_ + "/") != std::string::npos) {
      pids.push_back(pid);
    }
  }
  return pids;
}

std::vector<std::string> Containerd::Mounts() const {
  std::vector<std::string> mounts;
  std::istringstream lines(ReadFile("/proc/self/mountinfo"));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    if (mount_point.rfind(dir_ + "/", 0) == 0) mounts.push_back(mount_point);
  }
  return mounts;
}

bool Containerd::WaitNoShims(milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  while (!ShimProcesses().empty()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return true;
}

}  // namespace spindle::shim_test
