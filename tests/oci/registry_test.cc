// push / pull / up --from-registry against a real docker-registry on
// 127.0.0.1, with skopeo as the independent reader of what was pushed.
#include <crypt.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "oci/digest.h"
#include "tests/oci/auth_proxy.h"
#include "tests/oci/oci_harness.h"

namespace spindle::oci_test {
namespace {

namespace fs = std::filesystem;
using http_test::ReadFile;
using http_test::RunSpindle;
using http_test::SpindleServer;
using http_test::TempDir;
using http_test::WriteFile;
using nlohmann::json;

// The first "sha256:" followed by 64 lower-case hex digits. (Not std::regex:
// g++ 12 with the sanitizers warns inside <regex>.)
std::string FirstDigest(const std::string& text) {
  constexpr size_t kHexDigits = 64;
  for (size_t at = text.find("sha256:"); at != std::string::npos;
       at = text.find("sha256:", at + 1)) {
    const std::string hex = text.substr(at + 7, kHexDigits);
    const bool digest = hex.size() == kHexDigits &&
                        hex.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (digest) return "sha256:" + hex;
  }
  return "";
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (FindTool("docker-registry").empty() || FindTool("skopeo").empty()) {
      GTEST_SKIP() << "docker-registry and skopeo are needed (scripts/install-deps.sh installs them)";
    }
    IsolateEnvironment(scratch_.path());
    std::string error;
    ASSERT_TRUE(registry_.Start(error)) << error;
    WriteAssetApp(app_.path());
  }

  std::string Ref(const std::string& tail) const { return registry_.host() + "/" + tail; }
  fs::path Cache() const { return fs::path(scratch_.path()) / "cache" / "spindle" / "registry"; }

  // Pushes the sample app; returns the digest spindle printed.
  std::string Push(const std::string& reference) {
    const ProcessResult pushed = RunSpindle({"registry", "push", reference, "-f", app_.path()});
    EXPECT_EQ(pushed.status, 0) << pushed.Describe();
    const std::string digest = FirstDigest(pushed.out);
    EXPECT_FALSE(digest.empty()) << pushed.Describe();
    return digest;
  }

  ProcessResult Skopeo(std::vector<std::string> args) {
    args.insert(args.begin(), "skopeo");
    return RunTool(args);
  }

  TempDir scratch_;
  TempDir app_;
  Registry registry_;
};

TEST_F(RegistryTest, PushWritesSpinsArtifactFormat) {
  const std::string digest = Push(Ref("test/assets:v1"));
  const ProcessResult raw =
      Skopeo({"inspect", "--raw", "--tls-verify=false", "docker://" + Ref("test/assets:v1")});
  ASSERT_EQ(raw.status, 0) << raw.Describe();
  EXPECT_EQ(oci::DigestOf(raw.out), digest) << "the registry holds a different manifest";
  const json manifest = json::parse(raw.out);
  EXPECT_EQ(manifest["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(manifest["config"]["mediaType"], "application/vnd.oci.image.config.v1+json");
  const json& layers = manifest["layers"];
  ASSERT_EQ(layers.size(), 3u) << raw.out;  // wasm, hello.txt, locked app; small.txt is inline
  EXPECT_EQ(layers[0]["mediaType"], "application/vnd.wasm.content.layer.v1+wasm");
  EXPECT_EQ(layers[0]["digest"], oci::DigestOf(ReadFile(AssetGuestPath())));
  EXPECT_EQ(layers[1]["mediaType"], "application/vnd.wasm.content.layer.v1+data");
  EXPECT_EQ(layers[1]["digest"], oci::DigestOf(kHelloText));
  EXPECT_EQ(layers[2]["mediaType"], "application/vnd.fermyon.spin.application.v1+config");
  const json& annotations = manifest["annotations"];
  EXPECT_EQ(annotations["org.opencontainers.image.title"], "assets");
  EXPECT_EQ(annotations["org.opencontainers.image.version"], "1.2.0");
  EXPECT_EQ(annotations["org.opencontainers.image.description"], "serves its files");
  EXPECT_EQ(annotations["org.opencontainers.image.authors"], "Spindle Tests <tests@example.com>");
  EXPECT_TRUE(annotations.contains("org.opencontainers.image.created"));

  const ProcessResult config = Skopeo(
      {"inspect", "--config", "--raw", "--tls-verify=false", "docker://" + Ref("test/assets:v1")});
  ASSERT_EQ(config.status, 0) << config.Describe();
  const json config_json = json::parse(config.out);
  EXPECT_EQ(config_json["architecture"], "wasm");
  EXPECT_EQ(config_json["os"], "wasip1");
  EXPECT_EQ(config_json["config"]["Labels"]["com.fermyon.spin.lockedAppDigest"], layers[2]["digest"]);
}

TEST_F(RegistryTest, PullStoresVerifiedBlobsInTheCache) {
  const std::string digest = Push(Ref("test/assets:v1"));
  const ProcessResult pulled = RunSpindle({"registry", "pull", Ref("test/assets:v1")});
  ASSERT_EQ(pulled.status, 0) << pulled.Describe();
  EXPECT_EQ(FirstDigest(pulled.out), digest);
  const fs::path manifest_dir = Cache() / "manifests" / registry_.host() / "test/assets/v1";
  EXPECT_EQ(oci::DigestOf(ReadFile(manifest_dir / "manifest.json")), digest);
  size_t blobs = 0;
  for (const auto& entry : fs::recursive_directory_iterator(Cache())) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << "left behind: " << entry.path();
    if (entry.path().parent_path() != Cache() / "blobs" / "sha256") continue;
    ++blobs;
    EXPECT_EQ(oci::DigestOf(ReadFile(entry.path())), "sha256:" + name);
  }
  EXPECT_EQ(blobs, 5u);  // config, wasm, hello.txt, locked app, inline small.txt
  EXPECT_TRUE(pulled.err.empty()) << "stderr is not a TTY: no progress expected\n" << pulled.err;
}

TEST_F(RegistryTest, UpFromRegistryServesFilesFromDataLayersAndInline) {
  Push(Ref("test/assets:v1"));
  for (const bool explicit_flag : {false, true}) {
    SpindleServer server;
    std::string error;
    const std::string ref = Ref("test/assets:v1");
    std::vector<std::string> extra;
    if (explicit_flag) extra = {"--from-registry", ref};
    ASSERT_TRUE(server.Start(explicit_flag ? "/nonexistent/spin.toml" : ref, extra, error)) << error;
    const auto hello = http_test::Get(server.url("/static/hello.txt"));
    EXPECT_EQ(hello.status, 200) << hello.Describe();
    EXPECT_EQ(hello.body, kHelloText);
    const auto small = http_test::Get(server.url("/small.txt"));
    EXPECT_EQ(small.status, 200) << small.Describe();
    EXPECT_EQ(small.body, kSmallText);
    EXPECT_EQ(http_test::Get(server.url("/static/secret/key.txt")).status, 404);
  }
}

TEST_F(RegistryTest, ConcurrentPullsShareTheCacheSafely) {
  const std::string digest = Push(Ref("test/assets:v1"));
  std::vector<ProcessResult> results(4);
  std::vector<std::thread> pullers;
  for (ProcessResult& result : results) {
    pullers.emplace_back([&] { result = RunSpindle({"registry", "pull", Ref("test/assets:v1")}); });
  }
  for (std::thread& puller : pullers) puller.join();
  for (const ProcessResult& result : results) {
    EXPECT_EQ(result.status, 0) << result.Describe();
    EXPECT_EQ(FirstDigest(result.out), digest);
  }
  for (const auto& entry : fs::recursive_directory_iterator(Cache())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
    if (entry.path().parent_path() == Cache() / "blobs" / "sha256") {
      EXPECT_EQ(oci::DigestOf(ReadFile(entry.path())), "sha256:" + entry.path().filename().string());
    }
  }
}

TEST_F(RegistryTest, UpServesThePulledLockedApp) {
  Push(Ref("test/assets:v1"));
  ASSERT_EQ(RunSpindle({"registry", "pull", Ref("test/assets:v1")}).status, 0);
  const fs::path spin_json = Cache() / "manifests" / registry_.host() / "test/assets/v1/spin.json";
  ASSERT_TRUE(fs::exists(spin_json));
  registry_.Stop();  // served from the cache alone
  SpindleServer server;
  std::string error;
  ASSERT_TRUE(server.Start(spin_json.string(), {}, error)) << error;
  const auto small = http_test::Get(server.url("/small.txt"));
  EXPECT_EQ(small.status, 200) << small.Describe();
  EXPECT_EQ(small.body, kSmallText);
}

TEST_F(RegistryTest, CorruptCachedBlobIsDetectedAndReplaced) {
  Push(Ref("test/assets:v1"));
  ASSERT_EQ(RunSpindle({"registry", "pull", Ref("test/assets:v1")}).status, 0);
  const std::string data_digest = oci::DigestOf(kHelloText);
  const fs::path blob = Cache() / "blobs" / "sha256" / data_digest.substr(7);
  ASSERT_TRUE(fs::exists(blob));
  WriteFile(blob.string(), "tampered with");
  const ProcessResult again = RunSpindle({"registry", "pull", Ref("test/assets:v1")});
  ASSERT_EQ(again.status, 0) << again.Describe();
  EXPECT_NE(again.err.find("cached blob " + data_digest + " is corrupt"), std::string::npos)
      << again.Describe();
  EXPECT_EQ(ReadFile(blob.string()), kHelloText);
}

TEST_F(RegistryTest, OldArtifactsWithTheLockedAppAsConfigStillPull) {
  Push(Ref("test/assets:v1"));
  const ProcessResult raw =
      Skopeo({"inspect", "--raw", "--tls-verify=false", "docker://" + Ref("test/assets:v1")});
  ASSERT_EQ(raw.status, 0) << raw.Describe();
  json manifest = json::parse(raw.out);
  // Older Spin: the locked app is the config, no locked-app layer.
  manifest["config"] = manifest["layers"].back();
  manifest["layers"].erase(manifest["layers"].size() - 1);
  http_test::HttpCall put;
  put.method = "PUT";
  put.url = "http://" + registry_.host() + "/v2/test/assets/manifests/old";
  put.headers = {"Content-Type: application/vnd.oci.image.manifest.v1+json"};
  put.body = manifest.dump();
  const auto stored = http_test::Fetch(put);
  ASSERT_EQ(stored.status, 201) << stored.Describe();

  SpindleServer server;
  std::string error;
  ASSERT_TRUE(server.Start(Ref("test/assets:old"), {}, error)) << error;
  const auto hello = http_test::Get(server.url("/static/hello.txt"));
  EXPECT_EQ(hello.status, 200) << hello.Describe();
  EXPECT_EQ(hello.body, kHelloText);
}

TEST_F(RegistryTest, MissingTagIsAClearError) {
  Push(Ref("test/assets:v1"));
  const ProcessResult pulled = RunSpindle({"registry", "pull", Ref("test/assets:v9")});
  EXPECT_EQ(pulled.status, 1) << pulled.Describe();
  EXPECT_NE(pulled.err.find(Ref("test/assets:v9")), std::string::npos) << pulled.Describe();
  EXPECT_NE(pulled.err.find("404"), std::string::npos) << pulled.Describe();
}

TEST_F(RegistryTest, UnreachableRegistryIsAClearError) {
  const std::string ref = "127.0.0.1:" + std::to_string(FreePort()) + "/test/assets:v1";
  const ProcessResult pulled = RunSpindle({"registry", "pull", ref});
  EXPECT_EQ(pulled.status, 1) << pulled.Describe();
  EXPECT_FALSE(pulled.timed_out);
  EXPECT_NE(pulled.err.find(ref + ": registry 127.0.0.1:"), std::string::npos) << pulled.Describe();
  EXPECT_NE(pulled.err.find("is unreachable"), std::string::npos) << pulled.Describe();
  const ProcessResult up = RunSpindle({"up", "--from-registry", ref, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(up.status, 1) << up.Describe();
  EXPECT_NE(up.err.find("is unreachable"), std::string::npos) << up.Describe();
}

// docker-registry with htpasswd (bcrypt via libcrypt) answers Basic
// challenges: push fails with advice to log in, then works after login.
TEST_F(RegistryTest, BasicAuthNeedsLogin) {
  registry_.Stop();
  Registry secured;
  char salt[64];
  ASSERT_NE(crypt_gensalt_rn("$2b$", 5, nullptr, 0, salt, sizeof salt), nullptr);
  crypt_data data{};
  const char* hash = crypt_r("s3cret", salt, &data);
  ASSERT_NE(hash, nullptr);
  const std::string htpasswd = scratch_.path() + "/htpasswd";
  WriteFile(htpasswd, std::string("alice:") + hash + "\n");
  std::string error;
  ASSERT_TRUE(secured.Start(error, "auth:\n  htpasswd:\n    realm: spindle-test\n    path: " + htpasswd + "\n"))
      << error;
  const std::string ref = secured.host() + "/test/assets:v1";
  const ProcessResult denied = RunSpindle({"registry", "push", ref, "-f", app_.path()});
  EXPECT_EQ(denied.status, 1) << denied.Describe();
  EXPECT_NE(denied.err.find("spindle registry login " + secured.host()), std::string::npos)
      << denied.Describe();

  const ProcessResult login = RunSpindle({"registry", "login", secured.host(), "-u", "alice", "-p", "s3cret"});
  ASSERT_EQ(login.status, 0) << login.Describe();
  const fs::path auth = fs::path(scratch_.path()) / "home/.config/spindle/auth.json";
  struct stat info {};
  ASSERT_EQ(stat(auth.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const ProcessResult pushed = RunSpindle({"registry", "push", ref, "-f", app_.path()});
  EXPECT_EQ(pushed.status, 0) << pushed.Describe();

  // Docker's config.json is read too.
  fs::remove(auth);
  WriteFile(scratch_.path() + "/home/.docker/config.json",
            R"({"auths":{")" + secured.host() + R"(":{"auth":"YWxpY2U6czNjcmV0"}}})");
  const ProcessResult pulled = RunSpindle({"registry", "pull", ref});
  EXPECT_EQ(pulled.status, 0) << pulled.Describe();
}

// `build --image --format spin` lays out the registry artifact; skopeo
// copies it into the registry unchanged and spindle runs it from there.
TEST_F(RegistryTest, ArtifactLayoutCopiedBySkopeoRuns) {
  const std::string out = scratch_.path() + "/artifact.tar";
  const ProcessResult built =
      RunSpindle({"build", "-f", app_.path(), "--image", out, "--format", "spin"});
  ASSERT_EQ(built.status, 0) << built.Describe();
  const std::string digest = FirstDigest(built.out);
  const ProcessResult raw = Skopeo({"inspect", "--raw", "oci-archive:" + out});
  ASSERT_EQ(raw.status, 0) << raw.Describe();
  EXPECT_EQ(oci::DigestOf(raw.out), digest);
  const json manifest = json::parse(raw.out);
  ASSERT_EQ(manifest["layers"].size(), 3u) << raw.out;
  EXPECT_EQ(manifest["layers"][2]["mediaType"], "application/vnd.fermyon.spin.application.v1+config");

  const ProcessResult copied = Skopeo({"copy", "--dest-tls-verify=false", "oci-archive:" + out,
                                       "docker://" + Ref("test/copied:v1")});
  ASSERT_EQ(copied.status, 0) << copied.Describe();
  SpindleServer server;
  std::string error;
  ASSERT_TRUE(server.Start(Ref("test/copied:v1"), {}, error)) << error;
  EXPECT_NE(server.Stderr().find(digest), std::string::npos) << "skopeo changed the manifest\n"
                                                              << server.Stderr();
  const auto hello = http_test::Get(server.url("/static/hello.txt"));
  EXPECT_EQ(hello.status, 200) << hello.Describe();
  EXPECT_EQ(hello.body, kHelloText);
}

TEST_F(RegistryTest, PullingAFromScratchImageSaysItIsNotASpinApp) {
  const std::string out = scratch_.path() + "/scratch.tar";
  ASSERT_EQ(RunSpindle({"build", "-f", app_.path(), "--image", out}).status, 0);
  const ProcessResult copied = Skopeo({"copy", "--dest-tls-verify=false", "oci-archive:" + out,
                                       "docker://" + Ref("test/scratch:v1")});
  ASSERT_EQ(copied.status, 0) << copied.Describe();
  const ProcessResult pulled = RunSpindle({"registry", "pull", Ref("test/scratch:v1")});
  EXPECT_EQ(pulled.status, 1) << pulled.Describe();
  EXPECT_NE(pulled.err.find("not a Spin app"), std::string::npos) << pulled.Describe();
}

// The Bearer flow and redirected blobs, through AuthProxy in front of the
// real registry: no credentials -> advice to log in; Docker's config.json
// credentials -> a token for scope pull, blobs fetched after a 307.
TEST_F(RegistryTest, BearerTokensAndRedirectedBlobs) {
  const std::string digest = Push(Ref("test/assets:v1"));
  AuthProxy proxy(registry_.host(), "bob", "hunter2");
  std::string error;
  ASSERT_TRUE(proxy.Start(error)) << error;
  const std::string ref = proxy.host() + "/test/assets:v1";

  const ProcessResult denied = RunSpindle({"registry", "pull", ref});
  EXPECT_EQ(denied.status, 1) << denied.Describe();
  EXPECT_NE(denied.err.find("spindle registry login " + proxy.host()), std::string::npos)
      << denied.Describe();

  WriteFile(scratch_.path() + "/home/.docker/config.json",
            R"({"auths":{"http://)" + proxy.host() + R"(":{"username":"bob","password":"hunter2"}}})");
  const ProcessResult pulled = RunSpindle({"registry", "pull", ref});
  ASSERT_EQ(pulled.status, 0) << pulled.Describe();
  EXPECT_EQ(FirstDigest(pulled.out), digest);
  bool token = false, redirect = false;
  for (const std::string& event : proxy.Events()) {
    if (event == "token scope=repository%3Atest%2Fassets%3Apull") token = true;
    if (event.rfind("redirect /v2/test/assets/blobs/", 0) == 0) redirect = true;
  }
  EXPECT_TRUE(token) << "no token request with scope repository:test/assets:pull";
  EXPECT_TRUE(redirect) << "no blob download went through a redirect";
}

}  // namespace
}  // namespace spindle::oci_test

namespace spindle::oci_test {
namespace {

// A registry that serves a blob whose bytes do not match its digest: the
// pull fails naming the reference and the digest, and the cache holds no
// file under that digest (nor a temporary one).
TEST_F(RegistryTest, TamperedBlobIsRejected) {
  Push(Ref("test/assets:v1"));
  AuthProxy proxy(registry_.host(), "bob", "hunter2");
  std::string error;
  ASSERT_TRUE(proxy.Start(error)) << error;
  proxy.CorruptBlobs();
  WriteFile(scratch_.path() + "/home/.docker/config.json",
            R"({"auths":{")" + proxy.host() + R"(":{"username":"bob","password":"hunter2"}}})");
  const std::string ref = proxy.host() + "/test/assets:v1";
  const ProcessResult pulled = RunSpindle({"registry", "pull", ref});
  EXPECT_EQ(pulled.status, 1) << pulled.Describe();
  EXPECT_NE(pulled.err.find(ref + ": digest mismatch: blob sha256:"), std::string::npos)
      << pulled.Describe();
  if (fs::exists(Cache() / "blobs")) {
    for (const auto& entry : fs::recursive_directory_iterator(Cache() / "blobs")) {
      if (!entry.is_regular_file()) continue;
      EXPECT_EQ(oci::DigestOf(ReadFile(entry.path())), "sha256:" + entry.path().filename().string())
          << "a bad or partial blob was left in the cache: " << entry.path();
    }
  }
}

TEST_F(RegistryTest, LoginReadsThePasswordFromStdin) {
  const ProcessResult login = RunTool(
      {"sh", "-c", "printf 's3cret\\n' | " + http_test::SpindleBinary() +
                       " registry login ghcr.io -u alice --password-stdin"});
  ASSERT_EQ(login.status, 0) << login.Describe();
  const json auth = json::parse(ReadFile(scratch_.path() + "/home/.config/spindle/auth.json"));
  EXPECT_EQ(auth["auths"]["ghcr.io"]["auth"], "YWxpY2U6czNjcmV0");  // alice:s3cret
  const ProcessResult both = RunSpindle({"registry", "login", "ghcr.io", "-u", "a"});
  EXPECT_EQ(both.status, 1) << both.Describe();
  EXPECT_NE(both.err.find("--password-stdin or -p"), std::string::npos) << both.Describe();
}

// With a terminal on stderr (script(1) provides one) pulls draw a byte
// progress bar; without one (every other test) stderr stays empty.
TEST_F(RegistryTest, ProgressBarOnlyOnATerminal) {
  if (FindTool("script").empty()) GTEST_SKIP() << "script(1) (bsdutils) is not installed";
  Push(Ref("test/assets:v1"));
  const ProcessResult pulled = RunTool(
      {"script", "-qec", http_test::SpindleBinary() + " registry pull " + Ref("test/assets:v1"), "/dev/null"});
  EXPECT_EQ(pulled.status, 0) << pulled.Describe();
  EXPECT_NE(pulled.out.find("Pulling ["), std::string::npos) << pulled.Describe();
  EXPECT_NE(pulled.out.find("Pulled "), std::string::npos) << pulled.Describe();
}

}  // namespace
}  // namespace spindle::oci_test
