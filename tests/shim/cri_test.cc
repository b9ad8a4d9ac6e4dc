// The shim driven through containerd's CRI plugin as the kubelet drives it:
// runtime handler "spin" -> the shim; the pod sandbox (pause) container
// goes through the shim too. cri_client.py makes the CRI calls with
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

TEST(ShimCriTest, PodWithSpinContainerOnTheNodeNetwork) {
  if (std::string reason = CriSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  Containerd containerd;
  std::string error;
  ASSERT_TRUE(containerd.Start(/*cri=*/true, error)) << error;
  const std::string dir = containerd.dir();

  // The pause image: static busybox sleeping. The shim stands in for it,
  // but CRI still pulls it from the local store.
  fs::create_directories(dir + "/pause/bin");
  fs::copy_file("/bin/busybox", dir + "/pause/bin/busybox");
  ProcessResult pause = RunCommand({"python3", SourceDir() + "/make_oci_image.py", dir + "/pause",
                             dir + "/pause.tar", "docker.io/library/test-pause:latest",
                             "--platform", "linux/amd64", "--entrypoint", "/bin/busybox", "sleep",
                             "infinity"});
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
                           dir + "/pod-logs"},
                          milliseconds(120000));
  EXPECT_EQ(pod.status, 0) << pod.Describe();
  EXPECT_NE(pod.out.find("ok GET"), std::string::npos) << pod.out;
  EXPECT_NE(pod.out.find("ok RemovePodSandbox"), std::string::npos) << pod.out;

  EXPECT_TRUE(containerd.WaitNoShims()) << "shim processes left";
  EXPECT_TRUE(containerd.Mounts().empty()) << "mounts left";
}

}  // namespace
}  // namespace spindle::shim_test
