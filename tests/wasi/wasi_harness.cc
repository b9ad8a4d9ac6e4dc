#include "tests/wasi/wasi_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace spindle::wasi_test {
namespace fs = std::filesystem;

std::string SpindleBinary() {
  // Another runtime with spindle's `run` flags can stand in, to compare
  // (e.g. a wrapper around shared/peers/node-wasi-run).
  if (const char* runner = std::getenv("SPINDLE_WASI_TEST_RUNNER")) return runner;
  return std::string(SPINDLE_BIN_DIR) + "/spindle";
}

std::string GuestPath(const std::string& name) {
  return std::string(SPINDLE_WASI_GUEST_DIR) + "/" + name + ".wasm";
}

namespace {

std::string ShortenLongLines(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > 300) line = line.substr(0, 120) + "...(" + std::to_string(line.size()) + " bytes)";
    out += line + "\n";
  }
  return out;
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

std::string ProcessResult::Describe() const {
  std::string text = "exit status " + std::to_string(status);
  if (timed_out) text += " (killed at its deadline)";
  text += "\n--- stdout ---\n" + ShortenLongLines(out) + "--- stderr ---\n" + ShortenLongLines(err);
  return text;
}

// ---- Subprocess -------------------------------------------------------------

Subprocess::~Subprocess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    Reap(true);
  }
  CloseAll();
}

void Subprocess::CloseAll() {
  for (int* fd : {&in_, &out_, &err_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

bool Subprocess::Start(const std::vector<std::string>& argv, std::string input) {
  // A guest that exits before reading all its input must not kill the test.
  signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0) return false;
  if (pipe2(out, O_CLOEXEC) != 0) return false;
  if (pipe2(err, O_CLOEXEC) != 0) return false;
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  SetNonBlocking(in_);
  SetNonBlocking(out_);
  SetNonBlocking(err_);
  input_ = std::move(input);
  input_sent_ = 0;
  if (input_.empty()) {
    close(in_);
    in_ = -1;
  }
  return true;
}

void Subprocess::Reap(bool block) {
  if (pid_ <= 0 || exited_) return;
  int status = 0;
  pid_t got = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (got == pid_) {
    exited_ = true;
    wait_status_ = status;
  }
}

void Subprocess::Pump(std::chrono::milliseconds wait) {
  pollfd fds[3];
  int n = 0;
  if (in_ >= 0) fds[n++] = {in_, POLLOUT, 0};
  if (out_ >= 0) fds[n++] = {out_, POLLIN, 0};
  if (err_ >= 0) fds[n++] = {err_, POLLIN, 0};
  if (n == 0) {
    // Nothing left to pump: just give the child time to exit.
    usleep(static_cast<useconds_t>(std::min<int64_t>(wait.count(), 10) * 1000));
    return;
  }
  if (poll(fds, n, static_cast<int>(wait.count())) <= 0) return;
  for (int i = 0; i < n; ++i) {
    if (fds[i].revents == 0) continue;
    if (fds[i].fd == in_) {
      ssize_t put = write(in_, input_.data() + input_sent_, input_.size() - input_sent_);
      if (put > 0) input_sent_ += static_cast<size_t>(put);
      if ((put < 0 && errno != EAGAIN) || input_sent_ == input_.size()) {
        close(in_);
        in_ = -1;
      }
      continue;
    }
    int& fd = fds[i].fd == out_ ? out_ : err_;
    std::string& sink = fds[i].fd == out_ ? result_.out : result_.err;
    char buffer[65536];
    ssize_t got = read(fd, buffer, sizeof buffer);
    if (got > 0) {
      sink.append(buffer, static_cast<size_t>(got));
    } else if (got == 0 || errno != EAGAIN) {
      close(fd);
      fd = -1;
    }
  }
}

bool Subprocess::WaitForOutput(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (result_.out.find(text) == std::string::npos) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (out_ < 0) return false;  // stdout closed: the text will never come
    Pump(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                  std::chrono::milliseconds(100)));
  }
  return true;
}

ProcessResult Subprocess::Finish(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Reap(false);
    if (exited_ && out_ < 0 && err_ < 0) break;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      result_.timed_out = true;
      if (!exited_) kill(pid_, SIGKILL);
      Reap(true);
      // Whatever is still buffered in the pipes.
      for (int round = 0; round < 100 && (out_ >= 0 || err_ >= 0); ++round)
        Pump(std::chrono::milliseconds(10));
      break;
    }
    // Once the child has exited, a grandchild could still hold the pipes:
    // keep the rounds short so the deadline is honoured.
    Pump(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                  std::chrono::milliseconds(exited_ ? 10 : 100)));
  }
  if (WIFEXITED(wait_status_)) {
    result_.status = WEXITSTATUS(wait_status_);
  } else if (WIFSIGNALED(wait_status_)) {
    result_.status = 128 + WTERMSIG(wait_status_);
  }
  CloseAll();
  return result_;
}

ProcessResult RunSpindle(const std::vector<std::string>& args, const std::string& input,
                         std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {SpindleBinary(), "run"};
  argv.insert(argv.end(), args.begin(), args.end());
  Subprocess process;
  if (!process.Start(argv, input)) {
    ProcessResult failed;
    failed.err = "could not start " + SpindleBinary();
    return failed;
  }
  return process.Finish(timeout);
}

// ---- SandboxTree ---------------------------------------------------------------

namespace {

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string Describe(const fs::path& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return "missing";
  std::ostringstream out;
  out << "mode=" << std::oct << st.st_mode << std::dec << " nlink=" << st.st_nlink
      << " size=" << st.st_size << " mtime=" << st.st_mtim.tv_sec << "." << st.st_mtim.tv_nsec;
  if (S_ISLNK(st.st_mode)) {
    out << " -> " << fs::read_symlink(path).string();
  } else if (S_ISREG(st.st_mode)) {
    out << " content=\"" << ReadFile(path) << "\"";
  }
  return out.str();
}

}  // namespace

SandboxTree::SandboxTree() {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = test ? std::string(test->test_suite_name()) + "." + test->name() : "tree";
  std::string pattern = (fs::path(::testing::TempDir()) /
                         ("spindle-wasi-" + name + "-" + std::to_string(getpid()) + "-" +
                          std::to_string(counter++) + "-XXXXXX"))
                            .string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data())) {
    ADD_FAILURE() << "mkdtemp " << pattern << ": " << std::strerror(errno);
    return;
  }
  root_ = buffer.data();
  const fs::path root(root_);
  const fs::path sb = root / "sandbox";
  fs::create_directories(sb / "sub");
  fs::create_directories(root / "outside");
  fs::create_directories(root / "ro" / "emptydir");
  WriteFile(sb / "hello.txt", "hello, sandbox\n");
  WriteFile(sb / "sub" / "nested.txt", "nested\n");
  fs::create_symlink("hello.txt", sb / "link_inside");
  fs::create_symlink(root / "outside" / "secret.txt", sb / "link_outside_abs");
  fs::create_symlink("../outside/secret.txt", sb / "link_outside_rel");
  fs::create_symlink("chain2", sb / "chain1");
  fs::create_symlink("sub/chain3", sb / "chain2");
  fs::create_symlink("../../outside/secret.txt", sb / "sub" / "chain3");
  fs::create_symlink("../outside", sb / "link_outside_dir");
  fs::create_symlink("../outside/created_via_dangling", sb / "link_dangling_outside");
  fs::create_symlink("/proc/self/root", sb / "link_proc_root");
  fs::create_symlink("/", sb / "link_root");
  WriteFile(root / "outside" / "secret.txt", "top secret\n");
  fs::create_symlink("secret.txt", root / "outside" / "outlink");
  WriteFile(root / "ro" / "data.txt", "read only data\n");
  fs::create_symlink("data.txt", root / "ro" / "link_in_ro");
}

SandboxTree::~SandboxTree() {
  if (root_.empty() || std::getenv("SPINDLE_KEEP_WASI_TREES")) return;
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

std::map<std::string, std::string> SandboxTree::SnapshotOutsideSandbox() const {
  std::map<std::string, std::string> snapshot;
  if (root_.empty()) return snapshot;
  const fs::path root(root_);
  snapshot["."] = Describe(root);
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    // Lexically: fs::relative would resolve symlinks and merge their entries.
    const fs::path relative = it->path().lexically_relative(root);
    if (relative == "sandbox") {
      it.disable_recursion_pending();
      continue;
    }
    snapshot[relative.string()] = Describe(it->path());
  }
  return snapshot;
}

std::vector<std::string> SandboxTree::StrayEntriesNextToRoot() const {
  std::vector<std::string> stray;
  if (root_.empty()) return stray;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(fs::path(root_).parent_path(), error)) {
    const std::string name = entry.path().filename().string();
    for (const char* prefix : {"escaped", "stolen", "created", "made_"}) {
      if (name.rfind(prefix, 0) == 0) stray.push_back(entry.path().string());
    }
  }
  std::sort(stray.begin(), stray.end());
  return stray;
}

std::string DiffSnapshots(const std::map<std::string, std::string>& before,
                          const std::map<std::string, std::string>& after) {
  std::string diff;
  for (const auto& [path, description] : before) {
    auto it = after.find(path);
    if (it == after.end()) {
      diff += "removed " + path + " (was " + description + ")\n";
    } else if (it->second != description) {
      diff += "changed " + path + ": " + description + "  =>  " + it->second + "\n";
    }
  }
  for (const auto& [path, description] : after) {
    if (!before.count(path)) diff += "created " + path + ": " + description + "\n";
  }
  return diff;
}

uint64_t Fnv1a64(const std::string& data) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char byte : data) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

int PickFreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace spindle::wasi_test
