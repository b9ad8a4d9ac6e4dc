// deploy/node-installer.sh against node roots made in a temp dir, and the
// result read back by containerd itself (`containerd config dump`), so the
// block it writes is known to be what containerd understands.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int status = -1;
  std::string output;  // stdout and stderr together
};

Outcome RunShell(const std::string& command) {
  Outcome outcome;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return outcome;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) outcome.output.append(buffer, n);
  const int status = pclose(pipe);
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class NodeInstaller : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "spindle-installer-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    root_ = dir_ / "node";
    shim_ = dir_ / "containerd-shim-spindle-v2";
    Write(shim_, "#!/bin/sh\n# stands in for the shim binary\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome Install(const std::string& extra = "") {
    return RunShell(std::string(SPINDLE_DEPLOY_DIR) + "/node-installer.sh --no-restart --shim " +
               shim_.string() + " --root " + root_.string() + " " + extra);
  }

  fs::path Config() const { return root_ / "etc/containerd/config.toml"; }
  fs::path InstalledShim() const { return root_ / "usr/local/bin/containerd-shim-spindle-v2"; }

  fs::path dir_, root_, shim_;
};

constexpr const char* kRuncConfigV2 =
    "version = 2\n"
    "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
    "  runtime_type = \"io.containerd.runc.v2\"\n";

TEST_F(NodeInstaller, RegistersTheShimSoContainerdSeesIt) {
  Write(Config(), kRuncConfigV2);
  Outcome outcome = Install();
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_TRUE(fs::exists(InstalledShim()));
  EXPECT_NE(fs::status(InstalledShim()).permissions() & fs::perms::owner_exec, fs::perms::none);
  EXPECT_EQ(Read(Config().string() + ".bak-spindle"), kRuncConfigV2);

  if (RunShell("command -v containerd").status != 0) GTEST_SKIP() << "containerd is not installed";
  Outcome dump = RunShell("containerd --config " + Config().string() + " config dump");
  ASSERT_EQ(dump.status, 0) << dump.output;
  EXPECT_NE(dump.output.find("containerd.runtimes.spin]"), std::string::npos) << dump.output;
  EXPECT_NE(dump.output.find("runtime_type = \"/usr/local/bin/containerd-shim-spindle-v2\""),
            std::string::npos);
  EXPECT_NE(dump.output.find("runtime_type = \"io.containerd.runc.v2\""), std::string::npos)
      << "the existing runtime must survive";
}

TEST_F(NodeInstaller, RunningTwiceChangesNothing) {
  Write(Config(), kRuncConfigV2);
  ASSERT_EQ(Install().status, 0);
  const std::string first = Read(Config());
  Outcome again = Install();
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("already registers"), std::string::npos) << again.output;
  EXPECT_EQ(Read(Config()), first);
  EXPECT_EQ(Count(first, "runtimes.spin]"), 1u);
}

TEST_F(NodeInstaller, ReplacesItsOwnBlockWhenTheHandlerChanges) {
  Write(Config(), kRuncConfigV2);
  ASSERT_EQ(Install("--bin-dir /opt/spindle/bin").status, 0);
  ASSERT_EQ(Install("--bin-dir /opt/other").status, 0);
  const std::string config = Read(Config());
  EXPECT_EQ(Count(config, "# BEGIN spindle"), 1u) << config;
  EXPECT_NE(config.find("/opt/other/containerd-shim-spindle-v2"), std::string::npos);
  EXPECT_EQ(config.find("/opt/spindle/bin"), std::string::npos);
}

TEST_F(NodeInstaller, UsesTheVersion3PluginName) {
  Write(Config(), "version = 3\n");
  ASSERT_EQ(Install("--handler spindle").status, 0);
  EXPECT_NE(Read(Config()).find("[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes."
                                "spindle]"),
            std::string::npos);
}

TEST_F(NodeInstaller, CreatesAMissingConfig) {
  ASSERT_EQ(Install().status, 0);
  const std::string config = Read(Config());
  EXPECT_EQ(config.rfind("version = 2\n", 0), 0u) << config;
  EXPECT_NE(config.find("grpc.v1.cri\".containerd.runtimes.spin]"), std::string::npos);
}

TEST_F(NodeInstaller, PatchesTheK3sTemplate) {
  const fs::path k3s = root_ / "var/lib/rancher/k3s/agent/etc/containerd";
  Write(k3s / "config.toml", kRuncConfigV2);
  ASSERT_EQ(Install().status, 0);
  EXPECT_NE(Read(k3s / "config.toml.tmpl").find("runtimes.spin]"), std::string::npos);
  EXPECT_EQ(Read(k3s / "config.toml"), kRuncConfigV2) << "k3s rewrites config.toml itself";
}

TEST_F(NodeInstaller, RefusesAHandlerThatAnotherShimOwnsAndChangesNothing) {
  const std::string foreign =
      "version = 2\n"
      "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.spin]\n"
      "  runtime_type = \"io.containerd.spin.v2\"\n";
  Write(Config(), foreign);
  Outcome outcome = Install();
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.output.find("already defines runtimes.spin for another shim"),
            std::string::npos)
      << outcome.output;
  EXPECT_EQ(Read(Config()), foreign);
  EXPECT_FALSE(fs::exists(InstalledShim()));
}

TEST_F(NodeInstaller, RefusesAVersion1Config) {
  Write(Config(), "[plugins.cri]\n");
  Outcome outcome = Install();
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.output.find("config version '1' is not supported"), std::string::npos)
      << outcome.output;
}

TEST_F(NodeInstaller, RefusesAHandlerThatIsNotAName) {
  Outcome outcome = Install("--handler 'a]b'");
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.output.find("must be letters"), std::string::npos) << outcome.output;
}

// The manifests must agree with each other and with the config block: the
// Deployment names the RuntimeClass, whose handler is the runtime's key.
TEST(DeployManifests, RuntimeClassHandlerAndDeploymentAgree) {
  const std::string check = R"PY(
import sys, yaml
deploy = sys.argv[1]
rc = yaml.safe_load(open(deploy + "/runtimeclass.yaml"))
docs = list(yaml.safe_load_all(open(deploy + "/app.yaml")))
kinds = {d["kind"]: d for d in docs}
assert rc["kind"] == "RuntimeClass" and rc["handler"] == "spin", rc
pod = kinds["Deployment"]["spec"]["template"]["spec"]
assert pod["runtimeClassName"] == rc["metadata"]["name"], pod
assert pod["containers"][0]["command"] == ["/"]
assert kinds["Service"]["spec"]["type"] == "LoadBalancer"
assert kinds["Service"]["spec"]["selector"] == kinds["Deployment"]["spec"]["selector"]["matchLabels"]
assert "runtimes.spin]" in open(deploy + "/containerd-config.toml").read()
print("ok")
)PY";
  Outcome outcome = RunShell("/usr/bin/python3 -c '" + check + "' " + SPINDLE_DEPLOY_DIR);
  EXPECT_EQ(outcome.status, 0) << outcome.output;
}

}  // namespace
