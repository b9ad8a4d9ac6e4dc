// The shim under `ctr`, against a private containerd: an app image packed
// by `spindle build --image`, run with --runtime <absolute path of the
// shim>, on the host network, in a network namespace of its own, and in one
// named by path; plus the ways a run must fail cleanly.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/shim/shim_harness.h"

namespace spindle::shim_test {
namespace {

using std::chrono::milliseconds;

class ShimCtrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string reason = SkipReason(); !reason.empty()) GTEST_SKIP() << reason;
    std::string error;
    ASSERT_TRUE(containerd_.Start(/*cri=*/false, error)) << error;
    ASSERT_TRUE(BuildAppImage(containerd_.dir() + "/app", containerd_.dir() + "/app.tar",
                              kImage, error))
        << error;
    Import(containerd_.dir() + "/app.tar");
  }

  void Import(const std::string& tar) {
    ProcessResult imported = containerd_.Ctr({"images", "import", "--all-platforms", tar});
    ASSERT_EQ(imported.status, 0) << imported.Describe();
  }

  ProcessResult RunDetached(const std::string& id, const std::string& image,
                            const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"run", "-d", "--runtime", ShimBinary()};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {image, id, "/"});
    return containerd_.Ctr(args);
  }

  std::string TaskStatus(const std::string& id) {
    std::istringstream lines(containerd_.Ctr({"task", "ls"}).out);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream fields(line);
      std::string task, pid, status;
      fields >> task >> pid >> status;
      if (task == id) return status;
    }
    return "";
  }

  int TaskPid(const std::string& id) {
    std::istringstream lines(containerd_.Ctr({"task", "ls"}).out);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream fields(line);
      std::string task;
      int pid = 0;
      fields >> task >> pid;
      if (task == id) return pid;
    }
    return 0;
  }

  // ctr task kill (SIGTERM) -> STOPPED -> task rm -> container rm, then
  // nothing of the container is left.
  void StopAndRemove(const std::string& id) {
    ProcessResult killed = containerd_.Ctr({"task", "kill", id});
    ASSERT_EQ(killed.status, 0) << killed.Describe();
    const auto deadline = std::chrono::steady_clock::now() + milliseconds(10000);
    while (TaskStatus(id) != "STOPPED" && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(50));
    }
    ASSERT_EQ(TaskStatus(id), "STOPPED");
    ProcessResult task_removed = containerd_.Ctr({"task", "rm", id});
    ASSERT_EQ(task_removed.status, 0) << task_removed.Describe();
    ProcessResult removed = containerd_.Ctr({"containers", "rm", id});
    ASSERT_EQ(removed.status, 0) << removed.Describe();
    ExpectNothingLeft();
  }

  void ExpectNothingLeft() {
    EXPECT_TRUE(containerd_.WaitNoShims()) << "shim processes left: "
                                           << containerd_.ShimProcesses().size();
    EXPECT_TRUE(containerd_.Mounts().empty()) << "mounts left, first: "
                                              << containerd_.Mounts().front();
  }

  // Until `path` contains `text` (bounded), calling `poke` every 100 ms.
  static bool WaitForText(const std::string& path, const std::string& text,
                          const std::function<void()>& poke) {
    const auto deadline = std::chrono::steady_clock::now() + milliseconds(10000);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ReadFile(path).find(text) != std::string::npos) return true;
      poke();
      std::this_thread::sleep_for(milliseconds(100));
    }
    return false;
  }

  static constexpr char kImage[] = "docker.io/library/shimtest:v1";
  Containerd containerd_;
  int probes_ = 0;
};

// The topics published for `id`, in the order `ctr events` printed them.
std::vector<std::string> TaskTopics(const std::string& events, const std::string& id) {
  std::vector<std::string> topics;
  std::istringstream lines(events);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("/tasks/") == std::string::npos) continue;
    if (line.find("\"container_id\":\"" + id + "\"") == std::string::npos) continue;
    const size_t start = line.find("/tasks/");
    topics.push_back(line.substr(start, line.find(' ', start) - start));
  }
  return topics;
}

TEST_F(ShimCtrTest, HostNetworkServesPublishesEventsAndCleansUp) {
  Background events;
  const std::string events_path = containerd_.dir() + "/events.txt";
  ASSERT_TRUE(events.Start({"ctr", "-a", containerd_.socket(), "events"}, events_path));
  // Subscribed once a probe event shows up.
  ASSERT_TRUE(WaitForText(events_path, "/namespaces/create", [&] {
    containerd_.Ctr({"namespaces", "create", "probe-" + std::to_string(++probes_)});
  }));
  const int port = FreeTcpPort();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  const auto before = std::chrono::steady_clock::now();
  ProcessResult run = RunDetached("web1", kImage,
                                  {"--net-host", "--env", "SPIN_HTTP_LISTEN_ADDR=" + listen});
  ASSERT_EQ(run.status, 0) << run.Describe();
  // containerd reads `shim start`'s output until every writer closed it; a
  // daemon that kept it open would hold `ctr run` until the daemon exits.
  EXPECT_LT(std::chrono::steady_clock::now() - before, milliseconds(5000));
  EXPECT_EQ(HttpGet("http://" + listen + "/hello"), "200 hello");
  EXPECT_EQ(TaskStatus("web1"), "RUNNING");
  ProcessResult pids = containerd_.Ctr({"task", "ps", "web1"});
  EXPECT_EQ(pids.status, 0) << pids.Describe();
  EXPECT_NE(pids.out.find(std::to_string(TaskPid("web1"))), std::string::npos) << pids.out;
  ProcessResult metrics = containerd_.Ctr({"task", "metrics", "web1"});
  EXPECT_EQ(metrics.status, 0) << metrics.Describe();

  StopAndRemove("web1");
  EXPECT_TRUE(WaitForText(events_path, "/tasks/delete", [] {}));
  events.Stop();
  const std::string recorded = ReadFile(events_path);
  EXPECT_EQ(TaskTopics(recorded, "web1"),
            (std::vector<std::string>{"/tasks/create", "/tasks/start", "/tasks/exit",
                                      "/tasks/delete"}))
      << recorded;
}

// `ctr run --rm` stays attached: the app's stdout reaches ctr through the
// shim's relay, and ctr returns the task's exit status when it is killed.
TEST_F(ShimCtrTest, AttachedRunShowsTheAppOutputAndEndsWithIt) {
  const std::string listen = "127.0.0.1:" + std::to_string(FreeTcpPort());
  Background attached;
  const std::string output = containerd_.dir() + "/attached.txt";
  ASSERT_TRUE(attached.Start({"ctr", "-a", containerd_.socket(), "run", "--rm", "--runtime",
                              ShimBinary(), "--net-host", "--env",
                              "SPIN_HTTP_LISTEN_ADDR=" + listen, kImage, "att1", "/"},
                             output));
  EXPECT_EQ(HttpGet("http://" + listen + "/hello"), "200 hello");
  ProcessResult killed = containerd_.Ctr({"task", "kill", "att1"});
  ASSERT_EQ(killed.status, 0) << killed.Describe();
  EXPECT_EQ(attached.Wait(milliseconds(15000)), 0) << ReadFile(output);
  const std::string printed = ReadFile(output);
  EXPECT_NE(printed.find("Serving http://" + listen), std::string::npos) << printed;
  EXPECT_NE(ReadFile(output + ".err").find("GET /hello -> echo (200)"), std::string::npos)
      << ReadFile(output + ".err");
  EXPECT_EQ(containerd_.Ctr({"containers", "info", "att1"}).status, 1) << "--rm removes it";
  ExpectNothingLeft();
}

TEST_F(ShimCtrTest, ServesInsideItsOwnNetworkNamespace) {
  const int port = FreeTcpPort();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  ProcessResult run = RunDetached("net1", kImage, {"--env", "SPIN_HTTP_LISTEN_ADDR=" + listen});
  ASSERT_EQ(run.status, 0) << run.Describe();
  const int pid = TaskPid("net1");
  ASSERT_GT(pid, 0);
  const std::string netns = "/proc/" + std::to_string(pid) + "/ns/net";
  EXPECT_NE(std::filesystem::read_symlink(netns), std::filesystem::read_symlink("/proc/self/ns/net"))
      << "the task should be in a network namespace of its own";
  EXPECT_EQ(HttpGet("http://" + listen + "/hello", {"nsenter", "--net=" + netns}), "200 hello");
  // Not reachable from the host's namespace.
  EXPECT_EQ(HttpGet("http://" + listen + "/hello", {}, milliseconds(300)), "");
  StopAndRemove("net1");
}

TEST_F(ShimCtrTest, JoinsANetworkNamespaceNamedByPath) {
  const std::string name = "spindle-shim-test-" + std::to_string(getpid());
  ProcessResult added = RunCommand({"ip", "netns", "add", name});
  if (added.status != 0) GTEST_SKIP() << "ip netns add failed: " << added.Describe();
  struct Cleanup {
    std::string name;
    ~Cleanup() { RunCommand({"ip", "netns", "del", name}); }
  } cleanup{name};
  ASSERT_EQ(RunCommand({"ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"}).status, 0);

  const int port = FreeTcpPort();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  ProcessResult run = RunDetached(
      "ns1", kImage,
      {"--with-ns", "network:/var/run/netns/" + name, "--env", "SPIN_HTTP_LISTEN_ADDR=" + listen});
  ASSERT_EQ(run.status, 0) << run.Describe();
  EXPECT_EQ(HttpGet("http://" + listen + "/hello", {"ip", "netns", "exec", name}), "200 hello");
  StopAndRemove("ns1");
}

TEST_F(ShimCtrTest, ImageWithoutSpinTomlFailsClearly) {
  const std::string dir = containerd_.dir() + "/nospin";
  std::filesystem::create_directories(dir);
  WriteFile(dir + "/readme.txt", "no manifest here\n");
  ProcessResult packed = RunCommand({"python3", SourceDir() + "/make_oci_image.py", dir,
                              dir + ".tar", "docker.io/library/nospin:v1"});
  ASSERT_EQ(packed.status, 0) << packed.Describe();
  Import(dir + ".tar");
  ProcessResult run = RunDetached("nospin1", "docker.io/library/nospin:v1", {"--net-host"});
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.err.find("the image has no /spin.toml"), std::string::npos) << run.Describe();
  containerd_.Ctr({"containers", "rm", "nospin1"});
  ExpectNothingLeft();
}

TEST_F(ShimCtrTest, BrokenManifestFailsWithItsPosition) {
  // The packer checks manifests, so this image is packed by hand.
  const std::string dir = containerd_.dir() + "/broken";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(Spin1Guest(), dir + "/spin1_guest.wasm");
  WriteFile(dir + "/spin.toml",
            "spin_manifest_version = 2\n\n[application]\nname = \"broken\"\n\n"
            "[[trigger.http]]\nroute = \"/...\"\ncomponent = \"echo\"\n\n"
            "[component.echo]\nsorce = \"spin1_guest.wasm\"\n");
  ProcessResult packed = RunCommand({"python3", SourceDir() + "/make_oci_image.py", dir,
                              dir + ".tar", "docker.io/library/broken:v1"});
  ASSERT_EQ(packed.status, 0) << packed.Describe();
  Import(dir + ".tar");
  ProcessResult run = RunDetached("broken1", "docker.io/library/broken:v1", {"--net-host"});
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.err.find("spin.toml:11:1: unknown key 'sorce'"), std::string::npos)
      << run.Describe();
  containerd_.Ctr({"containers", "rm", "broken1"});
  ExpectNothingLeft();
}

TEST_F(ShimCtrTest, ServesALockedAppImage) {
  // `spindle build --image --format locked`: /spin.json, content under /sha256.
  std::string error;
  ASSERT_TRUE(BuildAppImage(containerd_.dir() + "/locked", containerd_.dir() + "/locked.tar",
                            "docker.io/library/locked:v1", error, "locked"))
      << error;
  Import(containerd_.dir() + "/locked.tar");
  const std::string listen = "127.0.0.1:" + std::to_string(FreeTcpPort());
  ProcessResult run = RunDetached("locked1", "docker.io/library/locked:v1",
                                  {"--net-host", "--env", "SPIN_HTTP_LISTEN_ADDR=" + listen});
  ASSERT_EQ(run.status, 0) << run.Describe();
  EXPECT_EQ(HttpGet("http://" + listen + "/hello"), "200 hello");
  StopAndRemove("locked1");
}

TEST_F(ShimCtrTest, ACrashedShimLeavesNothingBehind) {
  const std::string listen = "127.0.0.1:" + std::to_string(FreeTcpPort());
  ProcessResult run = RunDetached("crash1", kImage,
                                  {"--net-host", "--env", "SPIN_HTTP_LISTEN_ADDR=" + listen});
  ASSERT_EQ(run.status, 0) << run.Describe();
  ASSERT_EQ(HttpGet("http://" + listen + "/hello"), "200 hello");
  const std::string bundle = containerd_.dir() + "/state/io.containerd.runtime.v2.task/default/crash1";
  const int daemon = std::atoi(ReadFile(bundle + "/shim.pid").c_str());
  ASSERT_GT(daemon, 1);
  ASSERT_EQ(kill(daemon, SIGKILL), 0);
  // The task process dies with its shim (PR_SET_PDEATHSIG); containerd
  // notices the lost connection and runs `shim delete`, which unmounts.
  EXPECT_TRUE(containerd_.WaitNoShims()) << "processes left after the shim died";
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(10000);
  while (!containerd_.Mounts().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_TRUE(containerd_.Mounts().empty()) << "the rootfs is still mounted";
  EXPECT_EQ(HttpGet("http://" + listen + "/hello", {}, milliseconds(300)), "");
  containerd_.Ctr({"task", "rm", "-f", "crash1"});
  ProcessResult removed = containerd_.Ctr({"containers", "rm", "crash1"});
  EXPECT_EQ(removed.status, 0) << removed.Describe();
}

TEST_F(ShimCtrTest, DuplicateIdIsRefusedAndTheFirstKeepsServing) {
  const int port = FreeTcpPort();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  ProcessResult first = RunDetached("dup1", kImage,
                                    {"--net-host", "--env", "SPIN_HTTP_LISTEN_ADDR=" + listen});
  ASSERT_EQ(first.status, 0) << first.Describe();
  ProcessResult second = RunDetached("dup1", kImage, {"--net-host"});
  EXPECT_NE(second.status, 0);
  EXPECT_NE(second.err.find("already exists"), std::string::npos) << second.Describe();
  EXPECT_EQ(HttpGet("http://" + listen + "/hello"), "200 hello");
  StopAndRemove("dup1");
}

TEST_F(ShimCtrTest, ListenAddressInUseFailsStart) {
  const int port = FreeTcpPort();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  ProcessResult first = RunDetached("busy1", kImage,
                                    {"--net-host", "--env", "SPIN_HTTP_LISTEN_ADDR=" + listen});
  ASSERT_EQ(first.status, 0) << first.Describe();
  ProcessResult second = RunDetached("busy2", kImage,
                                     {"--net-host", "--env", "SPIN_HTTP_LISTEN_ADDR=" + listen});
  EXPECT_NE(second.status, 0);
  EXPECT_NE(second.err.find(listen), std::string::npos) << second.Describe();
  containerd_.Ctr({"task", "rm", "-f", "busy2"});
  containerd_.Ctr({"containers", "rm", "busy2"});
  StopAndRemove("busy1");
}

}  // namespace
}  // namespace spindle::shim_test
