// Epoch interruption stops runaway guests at loop back-edges and at calls.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/unit/test_util.h"

namespace spindle {
namespace {

using testing::CallExport;

TrapKind RunInterrupted(const std::string& fixture, const std::string& export_name,
                        std::vector<Value> args = {}) {
  Engine engine;
  Store store(engine);
  Linker linker(engine);
  auto instance = linker.Instantiate(store, testing::LoadFixture(engine, fixture));
  EXPECT_TRUE(instance.ok());
  if (!instance.ok()) return TrapKind::kNone;
  store.SetEpochDeadline(1);
  std::thread ticker([&engine] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    engine.IncrementEpoch();
  });
  auto result = CallExport(store, *instance, export_name, std::move(args));
  ticker.join();
  return result.ok() ? TrapKind::kNone : TrapKindOf(result.error());
}

TEST(Interrupt, StopsAnInfiniteLoop) {
  EXPECT_EQ(RunInterrupted("traps", "loop_forever"), TrapKind::kInterrupted);
}

TEST(Interrupt, StopsLoopFreeRecursionAtCalls) {
  // fib(60) by naive recursion has no loops and would run for years: only
  // the check at function entry can stop it.
  EXPECT_EQ(RunInterrupted("reactor", "fib", {Value::I64(60)}), TrapKind::kInterrupted);
}

TEST(Interrupt, AnExpiredDeadlineTrapsImmediately) {
  Engine engine;
  Store store(engine);
  Linker linker(engine);
  auto instance = linker.Instantiate(store, testing::LoadFixture(engine, "reactor"));
  ASSERT_TRUE(instance.ok());
  store.SetEpochDeadline(0);
  auto result = CallExport(store, *instance, "fib", {Value::I64(30)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(TrapKindOf(result.error()), TrapKind::kInterrupted);
  store.ClearEpochDeadline();
  auto again = CallExport(store, *instance, "fib", {Value::I64(20)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].i64(), 6765);
}

}  // namespace
}  // namespace spindle
