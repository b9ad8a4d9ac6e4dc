// The shim's pure parts, without root or containerd: containerd's command
// lines, ttrpc framing (bytes as containerd sends them), config.json.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "shim/flags.h"
#include "shim/oci_spec.h"
#include "shim/ttrpc/frame.h"
#include "tests/shim/shim_harness.h"

namespace spindle::shim {
namespace {

TEST(ShimFlagsTest, ReadsContainerdsStartLine) {
  auto flags = ParseFlags({"-namespace", "k8s.io", "-address", "/run/c/containerd.sock",
                           "-publish-binary", "/usr/bin/containerd", "-id", "abc", "-debug",
                           "start"});
  ASSERT_TRUE(flags.ok()) << flags.error().message;
  EXPECT_EQ(flags->namespace_name, "k8s.io");
  EXPECT_EQ(flags->address, "/run/c/containerd.sock");
  EXPECT_EQ(flags->id, "abc");
  EXPECT_TRUE(flags->debug);
  EXPECT_EQ(flags->action, "start");
}

TEST(ShimFlagsTest, AcceptsEqualsFormsDoubleDashesAndUnknownFlags) {
  auto flags = ParseFlags({"--id=t1", "-bundle=/b", "-socket", "/s", "-debug=false", "delete"});
  ASSERT_TRUE(flags.ok()) << flags.error().message;
  EXPECT_EQ(flags->id, "t1");
  EXPECT_EQ(flags->bundle, "/b");
  EXPECT_FALSE(flags->debug);
  EXPECT_EQ(flags->action, "delete");
  EXPECT_EQ(flags->namespace_name, "default");
}

TEST(ShimFlagsTest, RejectsAMissingValueAndTwoActions) {
  EXPECT_FALSE(ParseFlags({"-id"}).ok());
  EXPECT_FALSE(ParseFlags({"start", "delete"}).ok());
}

class FrameTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
  void TearDown() override {
    close(fds_[0]);
    close(fds_[1]);
  }
  int fds_[2] = {-1, -1};
};

TEST_F(FrameTest, WritesTheTenByteHeaderBigEndian) {
  ASSERT_TRUE(ttrpc::WriteFrame(fds_[0], 7, ttrpc::kResponseFrame, 0, std::string("\x08\x01", 2)));
  unsigned char bytes[12] = {};
  ASSERT_EQ(read(fds_[1], bytes, sizeof bytes), 12);
  const unsigned char expected[12] = {0, 0, 0, 2, 0, 0, 0, 7, 2, 0, 0x08, 0x01};
  EXPECT_EQ(std::vector<unsigned char>(bytes, bytes + 12),
            std::vector<unsigned char>(expected, expected + 12));
}

TEST_F(FrameTest, ReadsFramesAndSkipsOversizedBodies) {
  std::string big(ttrpc::kMaxMessageBytes + 1, 'x');
  std::thread writer([&] {
    ttrpc::WriteFrame(fds_[0], 1, ttrpc::kRequestFrame, 0, big);
    ttrpc::WriteFrame(fds_[0], 3, ttrpc::kRequestFrame, 0, "after");
    shutdown(fds_[0], SHUT_WR);
  });
  ttrpc::Frame frame;
  ASSERT_EQ(ttrpc::ReadFrame(fds_[1], frame), ttrpc::ReadStatus::kFrame);
  EXPECT_TRUE(frame.oversized);
  EXPECT_EQ(frame.stream_id, 1u);
  ASSERT_EQ(ttrpc::ReadFrame(fds_[1], frame), ttrpc::ReadStatus::kFrame);
  EXPECT_FALSE(frame.oversized);
  EXPECT_EQ(frame.stream_id, 3u);
  EXPECT_EQ(frame.type, ttrpc::kRequestFrame);
  EXPECT_EQ(frame.data, "after");
  EXPECT_EQ(ttrpc::ReadFrame(fds_[1], frame), ttrpc::ReadStatus::kClosed);
  writer.join();
}

TEST_F(FrameTest, AStreamEndingInsideAFrameIsAnError) {
  const unsigned char partial[6] = {0, 0, 0, 9, 0, 0};
  ASSERT_EQ(write(fds_[0], partial, sizeof partial), 6);
  shutdown(fds_[0], SHUT_WR);
  ttrpc::Frame frame;
  EXPECT_EQ(ttrpc::ReadFrame(fds_[1], frame), ttrpc::ReadStatus::kError);
}

TEST(OciSpecTest, ReadsWhatTheShimUses) {
  char pattern[] = "/tmp/spec.XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string bundle = pattern;
  shim_test::WriteFile(bundle + "/config.json", R"({
    "process": {"args": ["/"], "env": ["A=1", "SPIN_HTTP_LISTEN_ADDR=0.0.0.0:8080", "A=2"],
                "cwd": "/"},
    "root": {"path": "rootfs", "readonly": true},
    "hostname": "pod1",
    "linux": {"namespaces": [{"type": "pid"}, {"type": "network", "path": "/proc/42/ns/net"}]},
    "annotations": {"io.kubernetes.cri.container-type": "sandbox"}})");
  auto spec = ReadOciSpec(bundle);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->root, std::filesystem::path(bundle) / "rootfs");
  EXPECT_TRUE(spec->root_readonly);
  EXPECT_TRUE(spec->IsSandbox());
  EXPECT_EQ(spec->hostname, "pod1");
  ASSERT_EQ(spec->namespaces.size(), 2u);
  EXPECT_EQ(spec->namespaces[1].type, "network");
  EXPECT_EQ(spec->namespaces[1].path, "/proc/42/ns/net");
  EXPECT_EQ(spec->Env("SPIN_HTTP_LISTEN_ADDR", "0.0.0.0:80"), "0.0.0.0:8080");
  EXPECT_EQ(spec->Env("A", ""), "2");
  EXPECT_EQ(spec->Env("MISSING", "fallback"), "fallback");

  shim_test::WriteFile(bundle + "/config.json", "{\"process\": ");
  auto broken = ReadOciSpec(bundle);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("config.json"), std::string::npos);
  std::filesystem::remove_all(bundle);
}

}  // namespace
}  // namespace spindle::shim
