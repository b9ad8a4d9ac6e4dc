// `spindle run` as a user runs it: a real process, its output and status.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "tests/unit/test_util.h"

namespace spindle {
namespace {

struct ProcessResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

ProcessResult RunSpindle(const std::string& arguments) {
  const std::string command = std::string(SPINDLE_BIN_DIR) + "/spindle " + arguments + " 2>&1";
  ProcessResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, got);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(Cli, RunPropagatesTheGuestExitStatus) {
  const ProcessResult result = RunSpindle("run " + testing::FixturePath("exit"));
  EXPECT_EQ(result.status, 7);
  EXPECT_EQ(result.output, "exiting\n");
}

TEST(Cli, InvokeCallsAReactorExportAfterInitialize) {
  const ProcessResult result =
      RunSpindle("run --invoke add_base " + testing::FixturePath("reactor") + " 20 3");
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_EQ(result.output, "123\n");
}

TEST(Cli, ATrapPrintsItsKindAndBacktraceAndFails) {
  const ProcessResult result =
      RunSpindle("run --invoke nested_unreachable " + testing::FixturePath("traps"));
  EXPECT_EQ(result.status, 134);
  EXPECT_NE(result.output.find("unreachable"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("inner"), std::string::npos) << result.output;
}

TEST(Cli, TimeoutStopsARunawayGuest) {
  const ProcessResult result =
      RunSpindle("run --timeout 0.2 --invoke loop_forever " + testing::FixturePath("traps"));
  EXPECT_EQ(result.status, 134);
  EXPECT_NE(result.output.find("interrupted"), std::string::npos) << result.output;
}

TEST(Cli, BadArgumentsAreClearErrors) {
  ProcessResult result = RunSpindle("run --invoke add_base " + testing::FixturePath("reactor") + " 1");
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("takes 2 arguments"), std::string::npos) << result.output;
  result = RunSpindle("run --invoke add_base " + testing::FixturePath("reactor") + " 1 x");
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("invalid i32 argument \"x\""), std::string::npos) << result.output;
  result = RunSpindle("run /nonexistent.wasm");
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("/nonexistent.wasm"), std::string::npos) << result.output;
}

TEST(Cli, MalformedModulesNameTheOffset) {
  const std::string path = ::testing::TempDir() + "/bad.wasm";
  FILE* file = fopen(path.c_str(), "wb");
  ASSERT_TRUE(file);
  fwrite("\0asm\1\0\0\0\x0d\0", 1, 10, file);
  fclose(file);
  const ProcessResult result = RunSpindle("run " + path);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("offset 0x8: malformed section id"), std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace spindle
