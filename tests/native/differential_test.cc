// Differential test: every module of our .wast corpus that has no imports
// runs on both tiers side by side; each export is called with the same
// arguments in the same order, and results and traps must agree.
#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <thread>

#include "tests/native/native_test_util.h"
#include "tests/unit/test_util.h"

namespace spindle {
namespace {

namespace fs = std::filesystem;

Value Argument(ValType type, int pick) {
  static const int64_t kInts[] = {0, 1, -1, 7, INT32_MIN, INT32_MAX, 0x123456789abcdef, INT64_MIN};
  static const double kFloats[] = {0.0, -0.0, 1.5, -2.25, std::numeric_limits<double>::quiet_NaN(),
                                   INFINITY, 1e10, -3e-5};
  switch (type) {
    case ValType::kI32: return Value::I32(static_cast<int32_t>(kInts[pick % 8]));
    case ValType::kI64: return Value::I64(kInts[pick % 8]);
    case ValType::kF32: return Value::F32(static_cast<float>(kFloats[pick % 8]));
    case ValType::kF64: return Value::F64(kFloats[pick % 8]);
    default: return Value{type, 0};
  }
}

bool SameValue(const Value& a, const Value& b) {
  if (a.type != b.type) return false;
  // NaN payloads may differ between tiers (the spec allows it).
  if (a.type == ValType::kF32 && std::isnan(a.f32())) return std::isnan(b.f32());
  if (a.type == ValType::kF64 && std::isnan(a.f64())) return std::isnan(b.f64());
  if (a.type == ValType::kFuncRef || a.type == ValType::kExternRef) return (a.bits == 0) == (b.bits == 0);
  return a.bits == b.bits;
}

std::string Describe(const Result<std::vector<Value>>& result) {
  if (!result.ok()) return "trap: " + result.error().message;
  std::string text;
  for (const Value& value : result.value()) text += std::to_string(value.bits) + " ";
  return text;
}

struct Side {
  Engine& engine;
  Store store;
  Linker linker;
  Instance* instance = nullptr;
  explicit Side(Engine& e) : engine(e), store(e), linker(e) {}
};

TEST(Differential, WastCorpusAgreesOnBothTiers) {
  Engine engine;
  // Guests that never return are stopped by the epoch and not compared.
  std::atomic<bool> done{false};
  std::thread ticker([&] {
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      engine.IncrementEpoch();
    }
  });
  int modules = 0, calls = 0;
  for (const auto& entry : fs::recursive_directory_iterator(SPINDLE_WAST_DIR)) {
    if (entry.path().extension() != ".wasm") continue;
    auto interpreted = CompiledModule::CompileFile(engine, entry.path().string());
    if (!interpreted.ok() || !(*interpreted)->module().imports.empty()) continue;
    auto native = CompiledModule::CompileFile(engine, entry.path().string());
    ASSERT_TRUE(native.ok());
    testing::MakeNative(**native);
    Side left(engine), right(engine);
    auto a = left.linker.Instantiate(left.store, *interpreted);
    auto b = right.linker.Instantiate(right.store, *native);
    ASSERT_EQ(a.ok(), b.ok()) << entry.path();
    if (!a.ok()) continue;
    ++modules;
    for (const Export& exported : (*interpreted)->module().exports) {
      if (exported.kind != ExternKind::kFunc) continue;
      Function* fa = (*a)->GetFunction(exported.name);
      Function* fb = (*b)->GetFunction(exported.name);
      for (int pick = 0; pick < 8; ++pick) {
        std::vector<Value> args;
        for (size_t i = 0; i < fa->type->params.size(); ++i) {
          args.push_back(Argument(fa->type->params[i], pick + static_cast<int>(i)));
        }
        left.store.SetEpochDeadline(5);
        right.store.SetEpochDeadline(5);
        auto ra = Call(left.store, fa, args);
        auto rb = Call(right.store, fb, args);
        ++calls;
        const bool interrupted = (!ra.ok() && TrapKindOf(ra.error()) == TrapKind::kInterrupted) ||
                                 (!rb.ok() && TrapKindOf(rb.error()) == TrapKind::kInterrupted);
        if (interrupted) continue;
        const std::string where = entry.path().filename().string() + " " +
                                  std::string(exported.name) + " pick " + std::to_string(pick);
        ASSERT_EQ(ra.ok(), rb.ok()) << where << ": interp " << Describe(ra) << ", llvm " << Describe(rb);
        if (!ra.ok()) {
          EXPECT_EQ(TrapKindOf(ra.error()), TrapKindOf(rb.error()))
              << where << ": " << ra.error().message << " vs " << rb.error().message;
          continue;
        }
        ASSERT_EQ(ra->size(), rb->size()) << where;
        for (size_t i = 0; i < ra->size(); ++i) {
          EXPECT_TRUE(SameValue((*ra)[i], (*rb)[i]))
              << where << " result " << i << ": interp " << Describe(ra) << ", llvm " << Describe(rb);
        }
      }
    }
  }
  done = true;
  ticker.join();
  EXPECT_GT(modules, 25);  // the corpus modules without imports
  std::printf("compared %d calls in %d modules\n", calls, modules);
}

}  // namespace
}  // namespace spindle
