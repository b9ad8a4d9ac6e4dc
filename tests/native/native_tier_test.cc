// The LLVM tier through the embedding API: native instances, traps and
// their unwinding, host calls both ways, mixing tiers, interruption.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/native/native_test_util.h"
#include "tests/unit/test_util.h"

namespace spindle {
namespace {

using testing::CallExport;
using testing::LoadFixture;
using testing::MakeNative;

struct NativeFixture {
  Engine engine;
  Store store{engine};
  Linker linker{engine};
  std::shared_ptr<CompiledModule> module;
  Instance* instance = nullptr;

  explicit NativeFixture(const std::string& name, bool native = true) {
    module = LoadFixture(engine, name);
    if (native) MakeNative(*module);
  }
  void Instantiate() {
    auto created = linker.Instantiate(store, module);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    instance = *created;
  }
  TrapKind Trap(const std::string& name, std::vector<Value> args = {}) {
    auto result = CallExport(store, instance, name, std::move(args));
    return result.ok() ? TrapKind::kNone : TrapKindOf(result.error());
  }
};

TEST(NativeTier, InstancesAfterPublishRunNativeCode) {
  NativeFixture fixture("reactor", /*native=*/false);
  fixture.Instantiate();
  EXPECT_EQ(fixture.instance->vmctx, nullptr);
  MakeNative(*fixture.module);
  Instance* before = fixture.instance;
  fixture.Instantiate();
  ASSERT_NE(fixture.instance->vmctx, nullptr);
  auto fib = CallExport(fixture.store, fixture.instance, "fib", {Value::I64(30)});
  ASSERT_TRUE(fib.ok()) << fib.error().ToString();
  EXPECT_EQ((*fib)[0].i64(), 832040);
  // The older instance keeps running on the interpreter.
  auto old = CallExport(fixture.store, before, "fib", {Value::I64(20)});
  ASSERT_TRUE(old.ok());
  EXPECT_EQ((*old)[0].i64(), 6765);
}

TEST(NativeTier, StartAndGlobalsAndMemory) {
  NativeFixture fixture("reactor");
  fixture.Instantiate();
  ASSERT_TRUE(CallExport(fixture.store, fixture.instance, "_initialize").ok());
  auto sum = CallExport(fixture.store, fixture.instance, "add_base", {Value::I32(1), Value::I32(2)});
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ((*sum)[0].i32(), 103);
}

TEST(NativeTier, TrapsUnwindToTheCaller) {
  NativeFixture fixture("traps");
  fixture.Instantiate();
  EXPECT_EQ(fixture.Trap("unreachable"), TrapKind::kUnreachable);
  EXPECT_EQ(fixture.Trap("nested_unreachable"), TrapKind::kUnreachable);
  EXPECT_EQ(fixture.Trap("load_oob"), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(fixture.Trap("store_far"), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(fixture.Trap("div_zero", {Value::I32(0)}), TrapKind::kIntegerDivideByZero);
  EXPECT_EQ(fixture.Trap("call_null"), TrapKind::kUninitializedElement);
  EXPECT_EQ(fixture.Trap("recurse_forever"), TrapKind::kCallStackExhausted);
  // Traps name the compiled function they happened in, from an explicit
  // check and from a guard-page fault alike.
  for (const char* name : {"unreachable", "load_oob"}) {
    auto trapped = CallExport(fixture.store, fixture.instance, name);
    ASSERT_FALSE(trapped.ok());
    ASSERT_EQ(trapped.error().backtrace.size(), 1u) << name;
    EXPECT_NE(trapped.error().backtrace[0].find("traps.wasm at offset 0x"), std::string::npos)
        << trapped.error().backtrace[0];
  }
  // The instance and the thread are still usable after every trap.
  EXPECT_EQ(fixture.Trap("div_zero", {Value::I32(1)}), TrapKind::kNone);
  auto grown = CallExport(fixture.store, fixture.instance, "grow", {Value::I32(1)});
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ((*grown)[0].i32(), 1);
  auto size = CallExport(fixture.store, fixture.instance, "size");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ((*size)[0].i32(), 2);
}

TEST(NativeTier, EpochInterruptsLoopsAndRecursion) {
  for (const auto& [fixture_name, export_name, args] :
       std::vector<std::tuple<std::string, std::string, std::vector<Value>>>{
           {"traps", "loop_forever", {}},
           {"traps", "loop_forever_around_bounded", {}},
           {"traps", "count_to", {Value::I32(0x7fffffff)}},
           {"reactor", "fib", {Value::I64(60)}}}) {
    NativeFixture fixture(fixture_name);
    fixture.Instantiate();
    fixture.store.SetEpochDeadline(1);
    std::thread ticker([&fixture] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      fixture.engine.IncrementEpoch();
    });
    EXPECT_EQ(fixture.Trap(export_name, args), TrapKind::kInterrupted) << export_name;
    ticker.join();
    // The request is the old call's: with a new deadline the instance runs.
    fixture.store.SetEpochDeadline(1000);
    const bool traps = fixture_name == "traps";
    EXPECT_EQ(fixture.Trap(traps ? "size" : "fib", traps ? std::vector<Value>{}
                                                       : std::vector<Value>{Value::I64(10)}),
              TrapKind::kNone)
        << export_name;
    // A deadline that passed before the call interrupts at once.
    fixture.store.SetEpochDeadline(0);
    EXPECT_EQ(fixture.Trap(export_name, args), TrapKind::kInterrupted) << export_name;
  }
}

// A host function that lets the deadline pass and then extends it: the
// interruption request stored meanwhile belongs to the old deadline, and
// the calling compiled code must go on (not trap as interrupted, nor as a
// stack overflow) through the checks of the loop that follows.
TEST(NativeTier, AHostFunctionThatExtendsTheDeadlineTakesBackTheRequest) {
  NativeFixture fixture("imports");
  Engine* engine = &fixture.engine;
  ASSERT_TRUE(fixture.linker
                  .Func("host", "add",
                        [engine](Caller& caller, int32_t a, int32_t b) {
                          engine->IncrementEpoch();  // the deadline has come
                          caller.store().SetEpochDeadline(1000);
                          return a + b;
                        })
                  .ok());
  ASSERT_TRUE(fixture.linker.Func("host", "scale", [](int64_t a, double b) { return a * b; }).ok());
  ASSERT_TRUE(fixture.linker.Func("host", "fail", [](int32_t) {}).ok());
  fixture.Instantiate();
  fixture.store.SetEpochDeadline(1);
  // Enough iterations for the copy of the loop that keeps its checks.
  auto sum = CallExport(fixture.store, fixture.instance, "sum_then_count",
                        {Value::I32(40), Value::I32(2), Value::I32(1 << 22)});
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ((*sum)[0].i32(), 42);
}

TEST(NativeTier, HostFunctionsGetArgumentsAndTheirTrapsPropagate) {
  NativeFixture fixture("imports");
  ASSERT_TRUE(fixture.linker.Func("host", "add", [](int32_t a, int32_t b) { return a + b; }).ok());
  ASSERT_TRUE(fixture.linker.Func("host", "scale", [](int64_t a, double b) { return a * b; }).ok());
  ASSERT_TRUE(fixture.linker
                  .Func("host", "fail",
                        [](Caller& caller, int32_t code) {
                          if (code) caller.Trap(TrapKind::kHostError, "failed with " + std::to_string(code));
                        })
                  .ok());
  fixture.Instantiate();
  auto sum = CallExport(fixture.store, fixture.instance, "sum", {Value::I32(40), Value::I32(2)});
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ((*sum)[0].i32(), 42);
  auto scaled = CallExport(fixture.store, fixture.instance, "scaled", {Value::I64(3), Value::F64(1.5)});
  ASSERT_TRUE(scaled.ok());
  EXPECT_DOUBLE_EQ((*scaled)[0].f64(), 4.5);
  auto failed = CallExport(fixture.store, fixture.instance, "maybe_fail", {Value::I32(7)});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(TrapKindOf(failed.error()), TrapKind::kHostError);
  EXPECT_NE(failed.error().message.find("failed with 7"), std::string::npos) << failed.error().message;
}

TEST(NativeTier, TypedHostEntryIsTheFirstMemberOfHostFunction) {
  // Compiled code loads it at offset kHostTypedEntryOffset (native_abi.h).
  HostFunction host;
  EXPECT_EQ(reinterpret_cast<char*>(&host.typed_entry) - reinterpret_cast<char*>(&host),
            static_cast<ptrdiff_t>(native::kHostTypedEntryOffset));
  Engine engine;
  auto typed = WrapFunction(engine, "add", [](int32_t a, int32_t b) { return a + b; });
  EXPECT_NE(typed->typed_entry, nullptr);
  auto pair = WrapFunction(engine, "pair", [] { return std::tuple<int32_t, int64_t>{1, 2}; });
  EXPECT_EQ(pair->typed_entry, nullptr);  // several results: the slot path
}

TEST(NativeTier, HostExitStatusCrossesTheTypedEntry) {
  NativeFixture fixture("imports");
  ASSERT_TRUE(fixture.linker.Func("host", "add", [](int32_t a, int32_t b) { return a + b; }).ok());
  ASSERT_TRUE(fixture.linker.Func("host", "scale", [](int64_t a, double b) { return a * b; }).ok());
  ASSERT_TRUE(
      fixture.linker.Func("host", "fail", [](Caller& caller, int32_t code) { caller.Exit(code); }).ok());
  fixture.Instantiate();
  auto exited = CallExport(fixture.store, fixture.instance, "maybe_fail", {Value::I32(7)});
  ASSERT_FALSE(exited.ok());
  EXPECT_EQ(TrapKindOf(exited.error()), TrapKind::kExit);
  EXPECT_EQ(exited.error().exit_code, 7);
  // The next call starts clean.
  auto sum = CallExport(fixture.store, fixture.instance, "sum", {Value::I32(2), Value::I32(3)});
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ((*sum)[0].i32(), 5);
}

TEST(NativeTier, UnboundedHostReentryTrapsInsteadOfOverflowingTheStack) {
  NativeFixture fixture("reenter");
  int deepest = 0;
  ASSERT_TRUE(testing::LinkReenter(fixture.linker, &fixture.instance, &deepest).ok());
  fixture.Instantiate();
  EXPECT_EQ(fixture.Trap("down", {Value::I32(0)}), TrapKind::kCallStackExhausted);
  EXPECT_GT(deepest, 50);
}

TEST(NativeTier, NativeAndInterpretedInstancesCallEachOther) {
  // The interpreted "imports" module calls host functions that are exports
  // of a native "reactor" instance, through the linker.
  Engine engine;
  Store store(engine);
  Linker linker(engine);
  auto reactor = LoadFixture(engine, "reactor");
  MakeNative(*reactor);
  auto provider = linker.Instantiate(store, reactor);
  ASSERT_TRUE(provider.ok());
  ASSERT_TRUE(CallExport(store, *provider, "_initialize").ok());
  ASSERT_TRUE(linker.Define("host", "add", Extern::Of((*provider)->GetFunction("add_base"))).ok());
  ASSERT_TRUE(linker.Func("host", "scale", [](int64_t a, double b) { return a * b; }).ok());
  ASSERT_TRUE(linker.Func("host", "fail", [](int32_t) {}).ok());
  for (bool native_user : {false, true}) {
    auto user_module = LoadFixture(engine, "imports");
    if (native_user) MakeNative(*user_module);
    auto user = linker.Instantiate(store, user_module);
    ASSERT_TRUE(user.ok()) << user.error().ToString();
    auto sum = CallExport(store, *user, "sum", {Value::I32(1), Value::I32(2)});
    ASSERT_TRUE(sum.ok()) << sum.error().ToString();
    EXPECT_EQ((*sum)[0].i32(), 103) << "native user: " << native_user;
  }
}

}  // namespace
}  // namespace spindle
