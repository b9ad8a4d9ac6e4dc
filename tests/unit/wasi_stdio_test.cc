// Standard streams bound to memory: stdin served from a buffer and stdout
// captured with a size cap, as the WAGI executor uses them.
#include <gtest/gtest.h>

#include "tests/unit/test_util.h"
#include "wasi/preview1.h"

namespace spindle {
namespace {

struct EchoRun {
  Result<std::vector<Value>> result = std::vector<Value>{};
  std::shared_ptr<wasi::MemoryStream> out;
  std::shared_ptr<wasi::MemoryStream> err;
};

EchoRun RunEcho(const std::string& input, size_t capacity) {
  Engine engine;
  Linker linker(engine);
  EXPECT_TRUE(wasi::AddPreview1(linker).ok());
  auto module = testing::LoadFixture(engine, "echo");
  EchoRun run;
  run.out = wasi::MemoryStream::Output(capacity);
  run.err = wasi::MemoryStream::Output(1024);
  wasi::WasiOptions options;
  options.args = {"echo"};
  options.stdin_binding = wasi::StreamBinding::Memory(wasi::MemoryStream::Input(input));
  options.stdout_binding = wasi::StreamBinding::Memory(run.out);
  options.stderr_binding = wasi::StreamBinding::Memory(run.err);
  auto context = wasi::WasiContext::Create(std::move(options));
  EXPECT_TRUE(context.ok());
  Store store(engine);
  store.set_user_data(context->get());
  auto instance = linker.Instantiate(store, module);
  EXPECT_TRUE(instance.ok());
  run.result = testing::CallExport(store, *instance, "_start");
  return run;
}

int32_t ExitStatus(const Result<std::vector<Value>>& result) {
  if (result.ok()) return 0;
  return TrapKindOf(result.error()) == TrapKind::kExit ? result.error().exit_code : -1;
}

TEST(WasiStdio, StdinFromMemoryIsCapturedOnStdout) {
  std::string input;
  for (int i = 0; i < 1000; ++i) input += "line " + std::to_string(i) + "\n";
  const EchoRun run = RunEcho(input, 1 << 20);
  EXPECT_EQ(ExitStatus(run.result), 0);
  EXPECT_EQ(run.out->contents(), input);
  EXPECT_FALSE(run.out->overflowed());
  EXPECT_EQ(run.err->contents(), "done\n");
}

TEST(WasiStdio, OutputOverTheCapIsRefusedAndFlagged) {
  const std::string input(1000, 'x');
  const EchoRun run = RunEcho(input, 250);
  EXPECT_EQ(ExitStatus(run.result), 3);  // the guest saw its write fail
  EXPECT_TRUE(run.out->overflowed());
  EXPECT_LE(run.out->contents().size(), 250u);
  // Whole writes are refused, never cut: what is kept is a prefix of input.
  EXPECT_EQ(input.compare(0, run.out->contents().size(), run.out->contents()), 0);
}

TEST(WasiStdio, EmptyStdinReadsAsEndOfFile) {
  const EchoRun run = RunEcho("", 16);
  EXPECT_EQ(ExitStatus(run.result), 0);
  EXPECT_EQ(run.out->contents(), "");
}

}  // namespace
}  // namespace spindle
