// The shim's ttrpc protocol without containerd: `start` a shim by hand and
// call the Task service with our own ttrpc client. The task is a CRI-style
// sandbox (the pause stand-in), so no image or app is needed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "shim/proto/shim_task.pb.h"
#include "shim/ttrpc/client.h"
#include "tests/shim/shim_harness.h"

namespace spindle::shim_test {
namespace {

namespace fs = std::filesystem;
namespace task_v2 = containerd::task::v2;
using std::chrono::milliseconds;

constexpr char kTask[] = "containerd.task.v2.Task";

class ShimProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "the shim's socket directory (/run/spindle) needs root";
    char pattern[] = "/tmp/sp.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    bundle_ = dir_ + "/bundle";
    fs::create_directories(bundle_ + "/rootfs");
    WriteFile(bundle_ + "/config.json",
              R"({"ociVersion":"1.0.2","process":{"args":["/pause"],"cwd":"/"},)"
              R"("root":{"path":"rootfs","readonly":true},)"
              R"("annotations":{"io.kubernetes.cri.container-type":"sandbox"}})");
    start_ = {ShimBinary(), "-namespace", "test", "-address", dir_ + "/no-containerd.sock",
              "-id",        "p1",         "-bundle", bundle_};
    std::vector<std::string> start = start_;
    start.push_back("start");
    ProcessResult started = RunCommand(start, milliseconds(10000));
    ASSERT_EQ(started.status, 0) << started.Describe();
    ASSERT_EQ(started.out.rfind("unix:///", 0), 0u) << started.out;
    address_ = started.out;
    auto client = ttrpc::Client::Connect(address_);
    ASSERT_TRUE(client.ok()) << client.error().message;
    client_ = std::move(client).value();
  }

  void TearDown() override {
    if (client_) {
      task_v2::ShutdownRequest shutdown;
      shutdown.set_now(true);
      (void)Call("Shutdown", shutdown);
    }
    client_.reset();
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  Result<std::string> Call(const std::string& method, const google::protobuf::Message& request) {
    return client_->Call(kTask, method, request.SerializeAsString(), {}, milliseconds(10000));
  }

  std::string dir_, bundle_, address_;
  std::vector<std::string> start_;
  std::unique_ptr<ttrpc::Client> client_;
};

TEST_F(ShimProtocolTest, TaskLifecycleCodesAndShutdown) {
  task_v2::ConnectRequest connect;
  connect.set_id("p1");
  auto connected = Call("Connect", connect);
  ASSERT_TRUE(connected.ok()) << connected.error().message;
  task_v2::ConnectResponse connect_response;
  ASSERT_TRUE(connect_response.ParseFromString(*connected));
  EXPECT_GT(connect_response.shim_pid(), 0u);

  auto unknown = client_->Call(kTask, "Pause", "", {}, milliseconds(5000));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("code 12"), std::string::npos) << unknown.error().message;
  auto other_service = client_->Call("containerd.task.v3.Nope", "State", "", {}, milliseconds(5000));
  ASSERT_FALSE(other_service.ok());
  EXPECT_NE(other_service.error().message.find("code 12"), std::string::npos);

  task_v2::StateRequest state;
  state.set_id("nope");
  auto missing = Call("State", state);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("code 5"), std::string::npos) << missing.error().message;

  task_v2::CreateTaskRequest create;
  create.set_id("p1");
  create.set_bundle(bundle_);
  auto created = Call("Create", create);
  ASSERT_TRUE(created.ok()) << created.error().message;
  task_v2::CreateTaskResponse create_response;
  ASSERT_TRUE(create_response.ParseFromString(*created));
  EXPECT_GT(create_response.pid(), 0u);

  auto again = Call("Create", create);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("code 6"), std::string::npos) << again.error().message;

  state.set_id("p1");
  task_v2::StateResponse state_response;
  auto before = Call("State", state);
  ASSERT_TRUE(before.ok() && state_response.ParseFromString(*before));
  EXPECT_EQ(state_response.status(), containerd::v1::types::CREATED);

  task_v2::StartRequest start;
  start.set_id("p1");
  ASSERT_TRUE(Call("Start", start).ok());
  auto running = Call("State", state);
  ASSERT_TRUE(running.ok() && state_response.ParseFromString(*running));
  EXPECT_EQ(state_response.status(), containerd::v1::types::RUNNING);
  EXPECT_EQ(state_response.pid(), create_response.pid());

  task_v2::DeleteRequest remove;
  remove.set_id("p1");
  auto too_early = Call("Delete", remove);
  ASSERT_FALSE(too_early.ok());
  EXPECT_NE(too_early.error().message.find("code 9"), std::string::npos);

  task_v2::KillRequest kill;
  kill.set_id("p1");
  kill.set_signal(15);
  ASSERT_TRUE(Call("Kill", kill).ok());
  task_v2::WaitRequest wait;
  wait.set_id("p1");
  auto waited = Call("Wait", wait);
  ASSERT_TRUE(waited.ok()) << waited.error().message;
  task_v2::WaitResponse wait_response;
  ASSERT_TRUE(wait_response.ParseFromString(*waited));
  EXPECT_EQ(wait_response.exit_status(), 0u);  // the pause stand-in ends cleanly on SIGTERM
  EXPECT_GT(wait_response.exited_at().seconds(), 0);

  auto deleted = Call("Delete", remove);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_FALSE(Call("State", state).ok());

  task_v2::ShutdownRequest shutdown;
  ASSERT_TRUE(Call("Shutdown", shutdown).ok());
  client_.reset();
  const std::string socket_path = address_.substr(7);
  for (int i = 0; i < 100 && fs::exists(socket_path); ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_FALSE(fs::exists(socket_path)) << "the shim should remove its socket when it exits";

  // containerd's cleanup call afterwards: a DeleteResponse on stdout.
  std::vector<std::string> cleanup = start_;
  cleanup.push_back("delete");
  ProcessResult cleaned = RunCommand(cleanup, milliseconds(10000));
  ASSERT_EQ(cleaned.status, 0) << cleaned.Describe();
  task_v2::DeleteResponse delete_response;
  ASSERT_TRUE(delete_response.ParseFromString(cleaned.out));
  EXPECT_EQ(delete_response.exit_status(), 137u);
}

}  // namespace
}  // namespace spindle::shim_test
