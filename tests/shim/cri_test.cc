// The shim driven through containerd's CRI plugin as the kubelet drives it:
// runtime handler "spin" -> the shim; the pod sandbox (pause) container
// goes through the shim too. Pods on the node network, and on a pod network
// made by Debian's CNI plugins (bridge + host-local). cri_client.py makes the CRI calls with
// Debian's python3-grpcio, from our own minimal copy of the CRI api.proto
// compiled here with protoc and grpc_python_plugin.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/shim/shim_harness.h"

namespace spindle::shim_test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// Debian's interpreter: the grpc module is a Debian package.
constexpr char kPython[] = "/usr/bin/python3";

std::string CriSkipReason() {
  if (std::string reason = SkipReason(); !reason.empty()) return reason;
  if (access("/usr/bin/grpc_python_plugin", X_OK) != 0 || access("/usr/bin/protoc", X_OK) != 0) {
    return "protoc and grpc_python_plugin are needed (apt-get install protobuf-compiler-grpc)";
  }
  if (RunCommand({kPython, "-c", "import grpc"}).status != 0) {
    return "Debian's python3-grpcio is needed (apt-get install python3-grpcio)";
  }
  if (access("/bin/busybox", X_OK) != 0) {
    return "busybox-static is needed for the local pause image";
  }
  return "";
}

// One pod through CRI; `cni_bridge` empty: node network, else a pod
// network on that bridge.
void RunPod(const std::string& cni_bridge) {
  Containerd containerd;
  std::string error;
  ASSERT_TRUE(containerd.Start(/*cri=*/true, error, cni_bridge)) << error;
  const std::string dir = containerd.dir();

  // The pause image: static busybox sleeping. The shim stands in for it,
  // but CRI still wants it in the local store.
  fs::create_directories(dir + "/pause/bin");
  fs::copy_file("/bin/busybox", dir + "/pause/bin/busybox");
  ProcessResult pause = RunCommand(
      {"python3", SourceDir() + "/make_oci_image.py", dir + "/pause", dir + "/pause.tar",
       "docker.io/library/test-pause:latest", "--platform", "linux/amd64", "--entrypoint",
       "/bin/busybox", "sleep", "infinity"});
  ASSERT_EQ(pause.status, 0) << pause.Describe();
  const std::string image = "docker.io/library/shimtest:cri";
  ASSERT_TRUE(BuildAppImage(dir + "/app", dir + "/app.tar", image, error)) << error;
  for (const char* tar : {"/pause.tar", "/app.tar"}) {
    ProcessResult imported =
        containerd.Ctr({"images", "import", "--all-platforms", dir + tar}, "k8s.io");
    ASSERT_EQ(imported.status, 0) << imported.Describe();
  }

  fs::create_directories(dir + "/gen");
  ProcessResult compiled =
      RunCommand({"protoc", "-I", SourceDir(), "--python_out=" + dir + "/gen",
                  "--grpc_python_out=" + dir + "/gen",
                  "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", "cri_api.proto"});
  ASSERT_EQ(compiled.status, 0) << compiled.Describe();

  fs::create_directories(dir + "/pod-logs");
  const std::string port = std::to_string(FreeTcpPort());
  ProcessResult pod = RunCommand({kPython, SourceDir() + "/cri_client.py", dir + "/gen",
                                  containerd.socket(), "spin", image, port, "/hello", "hello",
                                  dir + "/pod-logs", cni_bridge.empty() ? "node" : "pod"},
                                 milliseconds(120000));
  EXPECT_EQ(pod.status, 0) << pod.Describe();
  EXPECT_NE(pod.out.find("ok GET"), std::string::npos) << pod.out;
  EXPECT_NE(pod.out.find("ok RemovePodSandbox"), std::string::npos) << pod.out;

  EXPECT_TRUE(containerd.WaitNoShims()) << "shim processes left";
  EXPECT_TRUE(containerd.Mounts().empty()) << "mounts left";
}

TEST(ShimCriTest, PodWithSpinContainerOnTheNodeNetwork) {
  if (std::string reason = CriSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  RunPod("");
}

// The Kubernetes default: CRI makes a network namespace and CNI wires it;
// the sandbox task (the shim's pause stand-in) joins it, and the app
// container joins the sandbox's (/proc/<pid>/ns/net) before it listens.
TEST(ShimCriTest, PodWithSpinContainerOnAPodNetwork) {
  if (std::string reason = CriSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  for (const char* plugin : {"bridge", "host-local", "loopback"}) {
    if (access((std::string("/usr/lib/cni/") + plugin).c_str(), X_OK) != 0) {
      GTEST_SKIP() << "CNI plugins are needed (apt-get install containernetworking-plugins)";
    }
  }
  RunPod("spbr" + std::to_string(getpid() % 100000));
}

}  // namespace
}  // namespace spindle::shim_test
