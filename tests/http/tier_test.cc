// The engine tiers through `spindle up`, `spindle run` and `spindle
// compile`: native code before serving (llvm), the background switch
// (auto), the limits on native code, and the AOT artifact.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/http/http_harness.h"

namespace spindle::http_test {
namespace {


// The echo + CGI app with `args` and a private native code cache.
class TierApp {
 public:
  explicit TierApp(std::vector<std::string> args)
      : app_("tier-app", WithCache(std::move(args), cache_)) {}
  bool started() const { return app_.started(); }
  SpindleServer& server() { return app_.server(); }

 private:
  static std::vector<std::string> WithCache(std::vector<std::string> args, const TempDir& cache) {
    args.push_back("--cache-dir");
    args.push_back(cache.path());
    return args;
  }
  TempDir cache_;  // before app_, which uses it
  EchoAndCgiApp app_;
};

TEST(Tiers, LlvmTierServesNativeCodeFromTheFirstRequest) {
  TierApp app({"--tier", "llvm"});
  ASSERT_TRUE(app.started());
  // Both components were compiled before the banner appeared.
  const std::string log = app.server().Stderr();
  EXPECT_NE(log.find("component 'echo': native code from compiled"), std::string::npos) << log;
  EXPECT_NE(log.find("component 'cgi': native code from compiled"), std::string::npos) << log;
  HttpResult spin1 = Get(app.server().url("/spin/hello"));
  EXPECT_EQ(spin1.status, 200);
  EXPECT_EQ(spin1.body, "hello");
  HttpResult wagi = Get(app.server().url("/cgi/hello?x=1"));
  EXPECT_EQ(wagi.status, 200) << wagi.Describe();
}

TEST(Tiers, LimitsHoldOnNativeCode) {
  TierApp app({"--tier", "llvm", "--request-timeout", "1", "--max-memory", "2"});
  ASSERT_TRUE(app.started());
  for (const char* path : {"/spin/loop", "/cgi/loop"}) {
    SCOPED_TRACE(path);
    HttpCall call;
    call.url = app.server().url(path);
    HttpResult result = Fetch(call);
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, 500);
  }
  EXPECT_EQ(Get(app.server().url("/spin/trap")).status, 500);
  EXPECT_EQ(Get(app.server().url("/spin/grow")).status, 500);
  EXPECT_TRUE(app.server().WaitForOutput("exceeded the memory limit of 2 MiB", milliseconds(5000)))
      << app.server().Stderr();
  EXPECT_EQ(Get(app.server().url("/spin/hello")).status, 200);
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(Tiers, AutoServesAtOnceAndSwitchesWhenCompiled) {
  TierApp app({"--tier", "auto"});
  ASSERT_TRUE(app.started());
  EXPECT_EQ(Get(app.server().url("/spin/hello")).status, 200);
  ASSERT_TRUE(app.server().WaitForOutput("component 'echo': switched to native code",
                                         milliseconds(120000)))
      << app.server().Stderr();
  ASSERT_TRUE(app.server().WaitForOutput("component 'cgi': switched to native code",
                                         milliseconds(120000)))
      << app.server().Stderr();
  for (int i = 0; i < 20; ++i) {
    HttpResult result = Get(app.server().url("/spin/hello"));
    ASSERT_EQ(result.status, 200);
    ASSERT_EQ(result.body, "hello");
  }
  EXPECT_EQ(Get(app.server().url("/cgi/hello")).status, 200);
}

// Every request sees a fresh instance, whether the pooled memory got its
// data back by a copy-on-write mapping or by a resident copy.
TEST(Tiers, FreshStateInEveryMemoryInitMode) {
  for (const char* mode : {"cow", "resident"}) {
    for (const char* tier : {"interp", "llvm"}) {
      SCOPED_TRACE(std::string(mode) + " " + tier);
      TierApp app({"--tier", tier, "--memory-init", mode});
      ASSERT_TRUE(app.started());
      for (int i = 0; i < 5; ++i) {
        HttpResult result = Get(app.server().url("/spin/counter"));
        ASSERT_EQ(result.status, 200);
        EXPECT_EQ(result.body, "counter=1");
      }
    }
  }
}

TEST(Tiers, InterpNeverCompiles) {
  TierApp app({"--tier", "interp"});
  ASSERT_TRUE(app.started());
  EXPECT_EQ(Get(app.server().url("/spin/hello")).status, 200);
  EXPECT_EQ(app.server().Stderr().find("native code"), std::string::npos) << app.server().Stderr();
}

TEST(Tiers, UnknownTierIsAUsageError) {
  ProcessResult result = RunSpindle({"up", "--tier", "jit"});
  EXPECT_NE(result.status, 0);
  EXPECT_NE(result.err.find("--tier"), std::string::npos) << result.Describe();
}

TEST(Tiers, CompileWritesArtifactsAndRefusesBrokenModules) {
  TempDir dir;
  const std::string wasm = dir.path() + "/guest.wasm";
  std::filesystem::copy_file(GuestPath("wagi_guest"), wasm);
  ProcessResult compiled = RunSpindle({"compile", "--sibling", wasm}, milliseconds(120000));
  ASSERT_EQ(compiled.status, 0) << compiled.Describe();
  EXPECT_NE(compiled.out.find("guest.swasm"), std::string::npos) << compiled.out;
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/guest.swasm"));

  ProcessResult explicit_out =
      RunSpindle({"compile", wasm, "-o", dir.path() + "/out.swasm"}, milliseconds(120000));
  ASSERT_EQ(explicit_out.status, 0) << explicit_out.Describe();
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/out.swasm"));

  // A broken module is refused with its file and offset, before LLVM.
  WriteFile(dir.path() + "/broken.wasm", std::string("\0asm\x01\0\0\0\x01\x05", 10));
  ProcessResult broken = RunSpindle({"compile", dir.path() + "/broken.wasm"});
  EXPECT_NE(broken.status, 0);
  EXPECT_NE(broken.err.find("broken.wasm"), std::string::npos) << broken.Describe();
  EXPECT_NE(broken.err.find("offset"), std::string::npos) << broken.Describe();
}

}  // namespace
}  // namespace spindle::http_test
