#include "shim/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "shim/event_publisher.h"
#include "shim/oci_spec.h"
#include "shim/proto/shim_task.pb.h"
#include "shim/rootfs.h"
#include "shim/task_service.h"
#include "shim/ttrpc/server.h"

namespace spindle::shim {
namespace {

namespace fs = std::filesystem;

// Shared by every containerd on the host: names are hashed from the
// containerd address, namespace and id, so instances never collide.
constexpr char kSocketDir[] = "/run/spindle/s";

uint64_t Fnv1a(const std::string& text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string SocketPath(const ShimFlags& flags) {
  char name[32];
  std::snprintf(name, sizeof name, "%016llx",
                static_cast<unsigned long long>(
                    Fnv1a(flags.address + "/" + flags.namespace_name + "/" + flags.id)));
  return std::string(kSocketDir) + "/" + name;
}

bool FillAddress(const std::string& path, sockaddr_un& address) {
  address = {};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, path.data(), path.size());
  return true;
}

bool SomeoneListens(const std::string& path) {
  sockaddr_un address;
  if (!FillAddress(path, address)) return false;
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return connected;
}

std::string BundleOf(const ShimFlags& flags) {
  if (!flags.bundle.empty()) return flags.bundle;
  std::error_code error;
  return fs::current_path(error).string();
}

std::string OwnExecutable() {
  std::error_code error;
  return fs::read_symlink("/proc/self/exe", error).string();
}

[[noreturn]] void ServeDaemon(const ShimFlags& flags, int listen_fd, const std::string& path) {
  signal(SIGPIPE, SIG_IGN);
  // stderr is the bundle's log FIFO, which containerd copies into its log.
  auto logger = spdlog::stderr_logger_mt("spindle-shim");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e spindle-shim " + flags.id + " %l %v");
  logger->set_level(flags.debug ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);

  const char* ttrpc_address = std::getenv("TTRPC_ADDRESS");
  EventPublisher events(ttrpc_address ? ttrpc_address : "");
  ttrpc::Server server(listen_fd);
  TaskService service({flags.namespace_name, OwnExecutable(), &events}, [&server] { server.Stop(); });
  service.Register(server);
  spdlog::debug("serving on {}", path);
  server.Serve();
  service.KillAll();
  unlink(path.c_str());
  spdlog::debug("shut down");
  spdlog::default_logger()->flush();
  // Connection threads may still be parked in read(); no static
  // destructors while they run.
  _exit(0);
}

void WriteTextFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

}  // namespace

int RunStart(const ShimFlags& flags) {
  if (flags.id.empty()) {
    std::fprintf(stderr, "containerd-shim-spindle-v2: start needs -id\n");
    return 1;
  }
  const std::string bundle = BundleOf(flags);
  const std::string path = SocketPath(flags);
  // containerd retries start; a shim already serving this task answers.
  if (SomeoneListens(path)) {
    std::printf("unix://%s", path.c_str());
    return 0;
  }
  std::error_code ignored;
  fs::create_directories(kSocketDir, ignored);
  chmod("/run/spindle", 0711);
  chmod(kSocketDir, 0711);
  unlink(path.c_str());

  sockaddr_un address;
  FillAddress(path, address);
  const int listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd < 0 ||
      bind(listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      chmod(path.c_str(), 0600) != 0 || listen(listen_fd, 64) != 0) {
    std::fprintf(stderr, "containerd-shim-spindle-v2: cannot listen on %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::fflush(stdout);
  const pid_t daemon = fork();
  if (daemon < 0) {
    std::fprintf(stderr, "containerd-shim-spindle-v2: fork: %s\n", std::strerror(errno));
    return 1;
  }
  if (daemon == 0) {
    // containerd reads our stdout until every writer has closed it, so the
    // daemon must hold none of the descriptors it was started with.
    setsid();
    const int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    int log_fd = open((fs::path(bundle) / "log").c_str(), O_RDWR | O_NONBLOCK);
    dup2(log_fd >= 0 ? log_fd : null_fd, STDERR_FILENO);
    for (int fd = 3; fd < 1024; ++fd) {
      if (fd != listen_fd) close(fd);
    }
    ServeDaemon(flags, listen_fd, path);
  }
  close(listen_fd);
  WriteTextFile(fs::path(bundle) / "address", "unix://" + path);
  WriteTextFile(fs::path(bundle) / "shim.pid", std::to_string(daemon));
  std::printf("unix://%s", path.c_str());
  return 0;
}

int RunDelete(const ShimFlags& flags) {
  const fs::path bundle = BundleOf(flags);
  // A task process left by a shim that died (normally PR_SET_PDEATHSIG has
  // ended it already). Only this bundle's task process is killed, in case
  // the pid has been reused.
  uint32_t pid = 0;
  std::ifstream(bundle / "spindle-task.pid") >> pid;
  if (pid > 0) {
    const std::string proc = "/proc/" + std::to_string(pid);
    std::error_code error;
    const fs::path exe = fs::read_symlink(proc + "/exe", error);
    std::ifstream cmdline_file(proc + "/cmdline");
    const std::string cmdline((std::istreambuf_iterator<char>(cmdline_file)),
                              std::istreambuf_iterator<char>());
    const std::string bundle_arg = std::string("-bundle") + '\0' + bundle.string() + '\0';
    if (!error && exe == OwnExecutable() && cmdline.find(bundle_arg) != std::string::npos) {
      kill(static_cast<pid_t>(pid), SIGKILL);
      for (int i = 0; i < 200 && fs::exists(proc + "/exe", error); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }
  fs::path rootfs = bundle / "rootfs";
  if (auto spec = ReadOciSpec(bundle); spec.ok()) rootfs = spec->root;
  if (Status unmounted = UnmountRootfs(rootfs); !unmounted.ok()) {
    std::fprintf(stderr, "containerd-shim-spindle-v2: %s\n", unmounted.error().message.c_str());
  }
  const std::string socket_path = SocketPath(flags);
  if (!SomeoneListens(socket_path)) unlink(socket_path.c_str());

  containerd::task::v2::DeleteResponse response;
  response.set_pid(pid);
  response.set_exit_status(128 + SIGKILL);
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  response.mutable_exited_at()->set_seconds(now.tv_sec);
  response.mutable_exited_at()->set_nanos(static_cast<int32_t>(now.tv_nsec));
  const std::string bytes = response.SerializeAsString();
  std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  return 0;
}

}  // namespace spindle::shim
