// Typed host functions: signatures derived from C++ types, checked when
// linking, arguments and results passed through, traps propagated.
#include <gtest/gtest.h>

#include "tests/unit/test_util.h"

namespace spindle {
namespace {

using testing::CallExport;

class HostFunctionTest : public ::testing::Test {
 protected:
  HostFunctionTest() : store_(engine_), linker_(engine_) {}

  void DefineHost() {
    ASSERT_TRUE(linker_.Func("host", "add", [](int32_t a, int32_t b) { return a + b; }).ok());
    ASSERT_TRUE(linker_.Func("host", "scale", [](int64_t a, double b) { return double(a) * b; }).ok());
    ASSERT_TRUE(linker_
                    .Func("host", "fail",
                          [](Caller& caller, int32_t code) {
                            if (code != 0) caller.Trap(TrapKind::kHostError, "refused " + std::to_string(code));
                          })
                    .ok());
  }

  Engine engine_;
  Store store_;
  Linker linker_;
};

TEST_F(HostFunctionTest, PassesArgumentsAndResults) {
  DefineHost();
  auto instance = linker_.Instantiate(store_, testing::LoadFixture(engine_, "imports"));
  ASSERT_TRUE(instance.ok()) << instance.error().ToString();
  auto sum = CallExport(store_, *instance, "sum", {Value::I32(40), Value::I32(2)});
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ((*sum)[0].i32(), 42);
  auto scaled = CallExport(store_, *instance, "scaled", {Value::I64(3), Value::F64(0.5)});
  ASSERT_TRUE(scaled.ok());
  EXPECT_DOUBLE_EQ((*scaled)[0].f64(), 1.5);
}

TEST_F(HostFunctionTest, HostTrapsCarryTheirMessage) {
  DefineHost();
  auto instance = linker_.Instantiate(store_, testing::LoadFixture(engine_, "imports"));
  ASSERT_TRUE(instance.ok());
  auto ok = CallExport(store_, *instance, "maybe_fail", {Value::I32(0)});
  ASSERT_TRUE(ok.ok());
  auto failed = CallExport(store_, *instance, "maybe_fail", {Value::I32(3)});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(TrapKindOf(failed.error()), TrapKind::kHostError);
  EXPECT_EQ(failed.error().message, "refused 3");
  ASSERT_FALSE(failed.error().backtrace.empty());
}

TEST_F(HostFunctionTest, WrongSignatureIsALinkError) {
  ASSERT_TRUE(linker_.Func("host", "add", [](int64_t a) { return a; }).ok());
  ASSERT_TRUE(linker_.Func("host", "scale", [](int64_t a, double b) { return double(a) * b; }).ok());
  ASSERT_TRUE(linker_.Func("host", "fail", [](int32_t) {}).ok());
  auto pre = linker_.Prepare(testing::LoadFixture(engine_, "imports"));
  ASSERT_FALSE(pre.ok());
  EXPECT_EQ(pre.error().phase, Phase::kLink);
  EXPECT_EQ(pre.error().message,
            "incompatible import type for \"host\" \"add\": expected function (i32, i32) -> "
            "(i32), got function (i64) -> (i64)");
}

TEST_F(HostFunctionTest, MissingImportIsALinkError) {
  auto pre = linker_.Prepare(testing::LoadFixture(engine_, "imports"));
  ASSERT_FALSE(pre.ok());
  EXPECT_EQ(pre.error().message, "unknown import: \"host\" \"add\" (function)");
}

TEST_F(HostFunctionTest, DuplicateDefinitionsAreRejectedUnlessShadowingIsAllowed) {
  ASSERT_TRUE(linker_.Func("host", "add", [](int32_t a, int32_t b) { return a + b; }).ok());
  EXPECT_FALSE(linker_.Func("host", "add", [](int32_t a, int32_t b) { return a - b; }).ok());
  linker_.AllowShadowing(true);
  EXPECT_TRUE(linker_.Func("host", "add", [](int32_t a, int32_t b) { return a - b; }).ok());
}

TEST_F(HostFunctionTest, HostFunctionsCanBeCalledDirectly) {
  auto host = WrapFunction(engine_, "pair", [](int32_t a) { return std::tuple<int32_t, int64_t>(a, a * 2LL); });
  auto result = Call(store_, &host->function, std::vector<Value>{Value::I32(21)});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].i32(), 21);
  EXPECT_EQ((*result)[1].i64(), 42);
}

TEST_F(HostFunctionTest, UnboundedHostReentryTrapsInsteadOfOverflowingTheStack) {
  Instance* instance = nullptr;
  int deepest = 0;
  ASSERT_TRUE(testing::LinkReenter(linker_, &instance, &deepest).ok());
  auto created = linker_.Instantiate(store_, testing::LoadFixture(engine_, "reenter"));
  ASSERT_TRUE(created.ok());
  instance = *created;
  auto result = CallExport(store_, instance, "down", {Value::I32(0)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(TrapKindOf(result.error()), TrapKind::kCallStackExhausted);
  EXPECT_GT(deepest, 100);
}

}  // namespace
}  // namespace spindle
