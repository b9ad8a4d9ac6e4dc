// The Redis trigger end to end: `spindle up` subscribes to a real
// redis-server, and tests/spin1_services/guests/redis_guest.c logs each
// message it gets ("<name> got <payload> count=<n>") to its stdout log.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "tests/http/http_harness.h"
#include "tests/services/test_support.h"

namespace spindle::http_test {
namespace {

using Clock = std::chrono::steady_clock;

std::string RedisGuest() { return std::string(SPINDLE_SERVICES_GUEST_DIR) + "/redis_guest.wasm"; }

// redis-server on a port chosen by the test, so it can be restarted there.
class RedisOnPort {
 public:
  explicit RedisOnPort(int port) : port_(port) { Start(); }
  ~RedisOnPort() { Stop(); }

  void Start() {
    pid_ = fork();
    if (pid_ == 0) {
      const std::string port = std::to_string(port_);
      execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--loglevel", "warning", nullptr);
      _exit(127);
    }
    // Ready when PING answers.
    const auto deadline = Clock::now() + milliseconds(10000);
    while (Clock::now() < deadline && !Ping()) std::this_thread::sleep_for(milliseconds(20));
  }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  bool Ping() const { return Cli({"PING"}) == "PONG\n"; }
  std::string Cli(const std::vector<std::string>& args) const {
    std::string command = "redis-cli -p " + std::to_string(port_);
    for (const std::string& arg : args) command += " '" + arg + "'";
    command += " 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return "";
    std::string out;
    char buffer[256];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    pclose(pipe);
    return out;
  }
  // PUBLISH; returns how many subscribers got it.
  int Publish(const std::string& channel, const std::string& payload) const {
    return std::atoi(Cli({"PUBLISH", channel, payload}).c_str());
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

bool WaitForText(const std::string& path, const std::string& text, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (ReadFile(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

std::string Manifest(int port) {
  return R"(spin_manifest_version = 2
[application]
name = "redis-e2e"
[application.trigger.redis]
address = "redis://127.0.0.1:)" +
         std::to_string(port) + R"("
[variables]
channel = { default = "news" }
[[trigger.redis]]
channel = "{{ channel }}"
component = "first"
[[trigger.redis]]
channel = "news"
component = "second"
[[trigger.redis]]
channel = "other"
component = "second"
[[trigger.http]]
route = "/..."
component = "web"
[component.first]
source = ")" + RedisGuest() +
         R"("
environment = { GUEST_NAME = "first" }
[component.second]
source = ")" + RedisGuest() +
         R"("
environment = { GUEST_NAME = "second" }
[component.web]
source = ")" + GuestPath("spin1_guest") +
         R"("
)";
}

class RedisTriggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = services_test::FreePort();
    redis_.emplace(port_);
    ASSERT_TRUE(redis_->Ping()) << "redis-server did not start on port " << port_;
    WriteFile(app_.path() + "/spin.toml", Manifest(port_));
    std::string error;
    ASSERT_TRUE(server_.Start(app_.path(), args_, error)) << error;
    ASSERT_TRUE(server_.WaitForOutput("subscribed at", milliseconds(10000))) << server_.Stderr();
  }

  std::string Log(const std::string& component) {
    return server_.log_dir() + "/" + component + "_stdout.txt";
  }

  std::vector<std::string> args_ = {"--request-timeout", "1"};
  int port_ = 0;
  std::optional<RedisOnPort> redis_;
  TempDir app_;
  SpindleServer server_;
};

TEST_F(RedisTriggerTest, EverySubscriberGetsEachMessageOnAFreshInstance) {
  EXPECT_EQ(redis_->Publish("news", "one"), 1) << "one subscription connection per address";
  EXPECT_EQ(redis_->Publish("news", "two"), 1);
  EXPECT_EQ(redis_->Publish("other", "three"), 1);
  EXPECT_TRUE(WaitForText(Log("first"), "first got two count=1", milliseconds(10000)));
  EXPECT_TRUE(WaitForText(Log("second"), "second got three count=1", milliseconds(10000)));
  const std::string first = ReadFile(Log("first"));
  const std::string second = ReadFile(Log("second"));
  EXPECT_NE(first.find("first got one count=1"), std::string::npos) << first;
  EXPECT_EQ(first.find("three"), std::string::npos) << "first is not subscribed to 'other'";
  EXPECT_NE(second.find("second got one count=1"), std::string::npos) << second;
  EXPECT_NE(second.find("second got two count=1"), std::string::npos) << second;
  // The HTTP trigger of the same app serves alongside.
  EXPECT_EQ(Get(server_.url("/hello")).body, "hello");
}

TEST_F(RedisTriggerTest, FailingTrappingAndRunawayHandlersAreLoggedAndTheTriggerGoesOn) {
  redis_->Publish("other", "fail");
  redis_->Publish("other", "trap");
  redis_->Publish("other", "spin");
  redis_->Publish("other", "after");
  EXPECT_TRUE(WaitForText(Log("second"), "second got after", milliseconds(10000)));
  ASSERT_TRUE(server_.WaitForOutput("time limit", milliseconds(10000))) << server_.Stderr();
  const std::string err = server_.Stderr();
  EXPECT_NE(err.find("the handler returned an error"), std::string::npos) << err;
  EXPECT_NE(err.find("unreachable"), std::string::npos) << err;
  EXPECT_TRUE(server_.running());
}

TEST_F(RedisTriggerTest, ResubscribesAfterRedisRestarts) {
  redis_->Stop();
  ASSERT_TRUE(server_.WaitForOutput("lost the connection", milliseconds(10000)))
      << server_.Stderr();
  redis_->Start();
  ASSERT_TRUE(redis_->Ping());
  ASSERT_TRUE(server_.WaitForOutput("resubscribed at", milliseconds(15000))) << server_.Stderr();
  EXPECT_EQ(redis_->Publish("news", "back"), 1);
  EXPECT_TRUE(WaitForText(Log("first"), "first got back count=1", milliseconds(10000)));
}

// One worker and a queue of one: the subscription waits instead of
// dropping what does not fit.
class RedisTriggerSmallQueue : public RedisTriggerTest {
 protected:
  RedisTriggerSmallQueue() { args_ = {"--workers", "1", "--queue", "1", "--quiet"}; }
};

TEST_F(RedisTriggerSmallQueue, AFullQueueLosesNoMessage) {
  constexpr int kMessages = 300;
  for (int i = 0; i < kMessages; ++i) redis_->Publish("other", "m" + std::to_string(i));
  EXPECT_TRUE(WaitForText(Log("second"), "second got m" + std::to_string(kMessages - 1) + " ",
                          milliseconds(30000)));
  const std::string log = ReadFile(Log("second"));
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_NE(log.find("second got m" + std::to_string(i) + " "), std::string::npos) << i;
  }
}

TEST(RedisTriggerStartup, AComponentWithoutTheRedisExportIsRefused) {
  TempDir app;
  WriteFile(app.path() + "/spin.toml", R"(spin_manifest_version = 2
[application]
name = "bad"
[[trigger.redis]]
address = "redis://127.0.0.1:6379"
channel = "x"
component = "web"
[component.web]
source = ")" + GuestPath("spin1_guest") + R"("
)");
  ProcessResult result = RunSpindle({"up", "-f", app.path(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(result.status, 1) << result.Describe();
  EXPECT_NE(result.err.find("spin.toml:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("handle-redis-message"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace spindle::http_test
