// Traps surface as errors with their kind and a wasm backtrace; faults in
// guard pages become traps in both bounds-check modes; instances made from
// one InstancePre are independent.
#include <gtest/gtest.h>

#include <thread>

#include "tests/unit/test_util.h"

namespace spindle {
namespace {

using testing::CallExport;
using testing::LoadFixture;

class RuntimeTest : public ::testing::TestWithParam<BoundsChecks> {
 protected:
  RuntimeTest() : engine_(Config()), store_(engine_), linker_(engine_) {}

  EngineConfig Config() {
    EngineConfig config;
    config.bounds_checks = GetParam();
    return config;
  }

  Instance* Instantiate(const std::string& fixture) {
    auto module = LoadFixture(engine_, fixture);
    if (!module) return nullptr;
    auto instance = linker_.Instantiate(store_, module);
    EXPECT_TRUE(instance.ok()) << (instance.ok() ? "" : instance.error().ToString());
    return instance.ok() ? *instance : nullptr;
  }

  TrapKind TrapOf(Instance* instance, const std::string& name, std::vector<Value> args = {}) {
    auto result = CallExport(store_, instance, name, std::move(args));
    EXPECT_FALSE(result.ok()) << name << " returned instead of trapping";
    return result.ok() ? TrapKind::kNone : TrapKindOf(result.error());
  }

  Engine engine_;
  Store store_;
  Linker linker_;
};

TEST_P(RuntimeTest, EachTrapKindIsReported) {
  Instance* instance = Instantiate("traps");
  ASSERT_TRUE(instance);
  EXPECT_EQ(TrapOf(instance, "unreachable"), TrapKind::kUnreachable);
  EXPECT_EQ(TrapOf(instance, "load_oob"), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(TrapOf(instance, "store_far"), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(TrapOf(instance, "div_zero", {Value::I32(0)}), TrapKind::kIntegerDivideByZero);
  EXPECT_EQ(TrapOf(instance, "call_null"), TrapKind::kUninitializedElement);
  EXPECT_EQ(TrapOf(instance, "recurse", {Value::I32(1)}), TrapKind::kCallStackExhausted);
}

TEST_P(RuntimeTest, TrapsCarryAWasmBacktrace) {
  Instance* instance = Instantiate("traps");
  ASSERT_TRUE(instance);
  auto result = CallExport(store_, instance, "nested_unreachable");
  ASSERT_FALSE(result.ok());
  const Error& error = result.error();
  EXPECT_EQ(error.phase, Phase::kRuntime);
  EXPECT_EQ(error.message, "unreachable");
  ASSERT_EQ(error.backtrace.size(), 3u);
  EXPECT_EQ(error.backtrace[0].rfind("inner (", 0), 0u) << error.backtrace[0];
  EXPECT_EQ(error.backtrace[1].rfind("middle (", 0), 0u) << error.backtrace[1];
}

TEST_P(RuntimeTest, TheEngineKeepsWorkingAfterTraps) {
  Instance* instance = Instantiate("traps");
  ASSERT_TRUE(instance);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(TrapOf(instance, "recurse", {Value::I32(1)}), TrapKind::kCallStackExhausted);
    EXPECT_EQ(TrapOf(instance, "load_oob"), TrapKind::kMemoryOutOfBounds);
    auto size = CallExport(store_, instance, "size");
    ASSERT_TRUE(size.ok());
    EXPECT_EQ((*size)[0].i32(), 1);
  }
}

TEST_P(RuntimeTest, MemoryGrowsUpToItsMaximum) {
  Instance* instance = Instantiate("traps");
  ASSERT_TRUE(instance);
  auto grown = CallExport(store_, instance, "grow", {Value::I32(1)});
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ((*grown)[0].i32(), 1);
  auto refused = CallExport(store_, instance, "grow", {Value::I32(1)});
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ((*refused)[0].i32(), -1);  // the maximum is 2 pages
  // The grown page is usable: the first out-of-bounds load is now in bounds.
  auto load = CallExport(store_, instance, "load_oob");
  EXPECT_TRUE(load.ok());
}

TEST_P(RuntimeTest, InstancesFromOneInstancePreAreIndependent) {
  auto module = LoadFixture(engine_, "counter");
  ASSERT_TRUE(module);
  auto pre = linker_.Prepare(module);
  ASSERT_TRUE(pre.ok());
  for (int round = 0; round < 50; ++round) {
    Store store(engine_);
    auto instance = (*pre)->Instantiate(store);
    ASSERT_TRUE(instance.ok());
    auto first = CallExport(store, *instance, "bump");
    auto second = CallExport(store, *instance, "bump");
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ((*first)[0].i32(), 1043);   // global 1, memory 42 + 1
    EXPECT_EQ((*second)[0].i32(), 2044);  // global 2, memory 44
  }
}

TEST_P(RuntimeTest, ModulesRunOnManyThreadsAtOnce) {
  auto module = LoadFixture(engine_, "reactor");
  ASSERT_TRUE(module);
  auto pre = linker_.Prepare(module);
  ASSERT_TRUE(pre.ok());
  std::vector<std::thread> threads;
  std::atomic<int> correct{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        Store store(engine_);
        auto instance = (*pre)->Instantiate(store);
        if (!instance.ok()) continue;
        auto result = CallExport(store, *instance, "fib", {Value::I64(15)});
        if (result.ok() && (*result)[0].i64() == 610) ++correct;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(correct.load(), 80);
}

TEST_P(RuntimeTest, ArgumentTypesAreChecked) {
  Instance* instance = Instantiate("traps");
  ASSERT_TRUE(instance);
  auto result = CallExport(store_, instance, "div_zero", {Value::I64(1)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().phase, Phase::kUsage);
}

INSTANTIATE_TEST_SUITE_P(BothBoundsModes, RuntimeTest,
                         ::testing::Values(BoundsChecks::kGuardPages, BoundsChecks::kExplicit),
                         [](const auto& info) {
                           return info.param == BoundsChecks::kGuardPages ? "GuardPages"
                                                                          : "Explicit";
                         });

// A fault that is not in a guest's memory must stay a crash, not a trap.
TEST(RuntimeDeathTest, HostFaultsAreNotSwallowed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Engine engine;
        Linker linker(engine);
        ASSERT_TRUE(linker
                        .Func("host", "add",
                              [](int32_t, int32_t) -> int32_t {
                                volatile int32_t* null = nullptr;
                                return *null;
                              })
                        .ok());
        ASSERT_TRUE(linker.Func("host", "scale", [](int64_t, double) { return 0.0; }).ok());
        ASSERT_TRUE(linker.Func("host", "fail", [](int32_t) {}).ok());
        Store store(engine);
        auto instance = linker.Instantiate(store, testing::LoadFixture(engine, "imports"));
        ASSERT_TRUE(instance.ok());
        auto ignored = CallExport(store, *instance, "sum", {Value::I32(1), Value::I32(2)});
        (void)ignored;
      },
      "");
}

}  // namespace
}  // namespace spindle
