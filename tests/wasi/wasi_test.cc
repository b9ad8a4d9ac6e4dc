// WASI preview1 conformance: each test runs one C guest (tests/wasi/guests)
// through the real `spindle run` process. A guest prints "ok NAME" or
// "FAIL NAME: ..." per check and exits non-zero when any check failed; the
// test asserts the exit status and shows the guest's output on failure.
// Every test gets a fresh host tree (see SandboxTree) and afterwards checks
// that nothing outside the guest's writable directory changed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/wasi/wasi_harness.h"

namespace spindle::wasi_test {
namespace {

using namespace std::chrono_literals;

// The "FAIL ..." lines of a guest's output.
std::string FailLines(const std::string& out) {
  std::string lines;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    if (out.compare(start, 5, "FAIL ") == 0) lines += out.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return lines;
}

class Wasi : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_ = std::make_unique<SandboxTree>();
    ASSERT_FALSE(tree_->root().empty());
    before_ = tree_->SnapshotOutsideSandbox();
    stray_before_ = tree_->StrayEntriesNextToRoot();
  }

  void TearDown() override {
    // The guest may write only inside sandbox/: everything else under the
    // tree's root, and the root's neighbours, must be as the test left them.
    const std::string diff = DiffSnapshots(before_, tree_->SnapshotOutsideSandbox());
    EXPECT_TRUE(diff.empty()) << "the guest changed the host outside its sandbox (tree at "
                              << tree_->root() << "):\n" << diff;
    EXPECT_EQ(tree_->StrayEntriesNextToRoot(), stray_before_);
  }

  std::string SandboxDir() const { return tree_->sandbox() + "::/sandbox"; }
  std::string ReadOnlyDir() const { return tree_->ro() + "::/ro::ro"; }

  // Runs a guest that judges itself, and expects it to pass: exit status 0, a
  // summary line and no FAIL line. On failure the FAIL lines come first,
  // then the whole output.
  void ExpectGuestPasses(const std::vector<std::string>& args, const std::string& input = "") {
    const ProcessResult result = RunSpindle(args, input, 60s);
    const std::string failures = FailLines(result.out);
    const bool passed = result.status == 0 && !result.timed_out && failures.empty() &&
                        result.out.find("summary: ") != std::string::npos;
    EXPECT_TRUE(passed) << "failed checks:\n" << failures << result.Describe();
  }

  std::unique_ptr<SandboxTree> tree_;
  std::map<std::string, std::string> before_;
  std::vector<std::string> stray_before_;
};

// ---- 1. args, environ, clocks, random, sched_yield, proc_exit, proc_raise ---

TEST_F(Wasi, ArgsEnvironClocksRandomYield) {
  ExpectGuestPasses({"--env", "A=1", "--env", "EMPTY=", "--env", "EQ=a=b=c", "--env", "SPACE=x y",
                     GuestPath("basics"), "main", "alpha", "", "with space", "k=v=w",
                     "\xc3\xbcnicode"});
}

TEST_F(Wasi, ProcExitSetsTheExitStatus) {
  ProcessResult result = RunSpindle({GuestPath("basics"), "exit", "42"}, "", 30s);
  EXPECT_EQ(result.status, 42) << result.Describe();
  EXPECT_NE(result.out.find("ok before_proc_exit"), std::string::npos) << result.Describe();
  EXPECT_EQ(result.out.find("FAIL"), std::string::npos) << result.Describe();

  result = RunSpindle({GuestPath("basics"), "exit", "0"}, "", 30s);
  EXPECT_EQ(result.status, 0) << result.Describe();
  EXPECT_EQ(result.out.find("FAIL"), std::string::npos) << result.Describe();
}

TEST_F(Wasi, ReturnFromMainIsTheExitStatus) {
  const ProcessResult result = RunSpindle({GuestPath("basics"), "return", "3"}, "", 30s);
  EXPECT_EQ(result.status, 3) << result.Describe();
}

TEST_F(Wasi, TrapExitsWith134) {
  const ProcessResult result = RunSpindle({GuestPath("basics"), "trap"}, "", 30s);
  EXPECT_EQ(result.status, 134) << result.Describe();
  EXPECT_NE(result.out.find("ok before_trap"), std::string::npos) << result.Describe();
}

TEST_F(Wasi, ProcRaiseIsNosys) { ExpectGuestPasses({GuestPath("proc_raise")}); }

// ---- 2. fd_* --------------------------------------------------------------------

TEST_F(Wasi, FdFunctions) {
  ExpectGuestPasses(
      {"--dir", SandboxDir(), "--dir", ReadOnlyDir(), GuestPath("fd"), "/sandbox", "/ro"});
}

// ---- 3. path_* ------------------------------------------------------------------

TEST_F(Wasi, PathFunctions) {
  ExpectGuestPasses({"--dir", SandboxDir(), GuestPath("path"), "/sandbox"});
}

TEST_F(Wasi, DirWithoutGuestNameUsesTheHostPath) {
  // --dir HOST pre-opens HOST under its own name.
  ExpectGuestPasses({"--dir", tree_->sandbox(), GuestPath("path"), tree_->sandbox()});
}

// ---- 4. the sandbox -------------------------------------------------------------

TEST_F(Wasi, SandboxEscapesFail) {
  ExpectGuestPasses({"--dir", SandboxDir(), "--dir", ReadOnlyDir(), GuestPath("sandbox"),
                     "escape", "/sandbox", tree_->outside()});
  // Spelled out, besides the snapshot in TearDown.
  auto after = tree_->SnapshotOutsideSandbox();
  EXPECT_EQ(after.count("outside/created_via_dangling"), 0u);
  EXPECT_EQ(after.count("outside/escaped_dir2"), 0u);
  EXPECT_NE(after["outside/secret.txt"].find("content=\"top secret\n\""), std::string::npos);
}

TEST_F(Wasi, ReadOnlyDirRefusesWrites) {
  ExpectGuestPasses({"--dir", SandboxDir(), "--dir", ReadOnlyDir(), GuestPath("sandbox"), "ro",
                     "/sandbox", "/ro"});
  auto after = tree_->SnapshotOutsideSandbox();
  EXPECT_NE(after["ro/data.txt"].find("content=\"read only data\n\""), std::string::npos);
  EXPECT_NE(after["ro/data.txt"].find("nlink=1 "), std::string::npos) << after["ro/data.txt"];
}

// ---- 5. poll_oneoff -------------------------------------------------------------

TEST_F(Wasi, PollOneoff) { ExpectGuestPasses({"--dir", SandboxDir(), GuestPath("poll"), "/sandbox"}); }

// ---- 6. sockets -----------------------------------------------------------------

TEST_F(Wasi, SockFunctionsOnNonSockets) {
  ExpectGuestPasses({"--dir", SandboxDir(), GuestPath("sock"), "notsock", "/sandbox"});
}

TEST_F(Wasi, ListeningSocketComesAfterEveryDirectory) {
  // wasi-libc stops looking for pre-opens at the first descriptor whose
  // prestat_get fails with EBADF, as a socket's does: the socket must follow
  // the directories whatever the order of the flags. fd.wasm checks that the
  // pre-opens are exactly /sandbox and /ro, from fd 3.
  ExpectGuestPasses({"--tcplisten", "127.0.0.1:0", "--dir", SandboxDir(), "--dir", ReadOnlyDir(),
                     GuestPath("fd"), "/sandbox", "/ro"});
}

// A loopback client with bounded waits.
class Client {
 public:
  explicit Client(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  bool connected() const { return connected_; }
  bool Send(const std::string& data) {
    return send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads until EOF, an error or the receive timeout.
  std::string ReadToEnd() {
    std::string data;
    char buffer[4096];
    ssize_t got;
    while ((got = recv(fd_, buffer, sizeof buffer, 0)) > 0) data.append(buffer, got);
    eof_ = got == 0;
    return data;
  }
  bool saw_eof() const { return eof_; }
  void Close() {
    close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
};

TEST_F(Wasi, SockAcceptRecvSendShutdown) {
  const int port = PickFreeLoopbackPort();
  ASSERT_GT(port, 0);
  Subprocess spindle;
  ASSERT_TRUE(spindle.Start({SpindleBinary(), "run", "--tcplisten",
                             "127.0.0.1:" + std::to_string(port), GuestPath("sock"), "serve"}));
  if (!spindle.WaitForOutput("listening\n", 20s)) {
    FAIL() << "the guest never reported listening\n" << spindle.Finish(5s).Describe();
  }
  {
    Client client(port);
    ASSERT_TRUE(client.connected()) << spindle.Finish(5s).Describe();
    EXPECT_TRUE(client.Send("ping from host"));
    EXPECT_EQ(client.ReadToEnd(), "pong:ping from host|fd_write");
    EXPECT_TRUE(client.saw_eof()) << "the guest's shutdown(WR) did not end the stream";
    EXPECT_TRUE(client.Send("bye"));
    client.Close();
  }
  const ProcessResult result = spindle.Finish(30s);
  EXPECT_EQ(result.status, 0) << result.Describe();
  EXPECT_EQ(result.out.find("FAIL "), std::string::npos) << result.Describe();
}

// ---- 7. stdio -------------------------------------------------------------------

TEST_F(Wasi, StdinStdoutStderr) {
  // Every byte value, NULs included, more than a pipe buffer holds.
  std::string input;
  for (int i = 0; i < 100000; ++i) input.push_back(static_cast<char>((i * 7 + 3) & 0xff));
  const ProcessResult result =
      RunSpindle({GuestPath("stdio"), std::to_string(input.size()), std::to_string(Fnv1a64(input))},
                 input, 60s);
  EXPECT_EQ(result.status, 0) << result.Describe();
  EXPECT_EQ(result.out.find("FAIL "), std::string::npos) << result.Describe();
  EXPECT_NE(result.out.find("raw stdout via fd_write\n"), std::string::npos) << result.Describe();
  EXPECT_NE(result.out.find("gather:abc\n"), std::string::npos) << result.Describe();
  EXPECT_NE(result.out.find("libc stdout\n"), std::string::npos) << result.Describe();
  EXPECT_NE(result.out.find("big:" + std::string(70000, 'z') + "\n"), std::string::npos)
      << result.Describe();
  EXPECT_EQ(result.err, "raw stderr via fd_write\nlibc stderr\n") << result.Describe();
}

}  // namespace
}  // namespace spindle::wasi_test
