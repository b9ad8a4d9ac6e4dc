// Engine microbenchmarks (Google Benchmark):
//   - decoding and validation throughput on a large generated module;
//   - compile latency of a small module;
//   - instantiation into a fresh Store (one store per request), with and
//     without a first call, for 1- and 16-page memories;
//   - call overhead: host -> wasm, and wasm -> host in a guest loop.
//
// The .wasm fixtures are built by bench/CMakeLists.txt into
// SPINDLE_BENCH_FIXTURE_DIR; the environment variable SPINDLE_BENCH_FIXTURES
// points elsewhere. bench/run-engine-bench.sh builds (Release) and runs this
// and prints a compact table.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/byte_source.h"
#include "engine/binary/decoder.h"
#include "engine/embed/call.h"
#include "engine/embed/linker.h"
#include "engine/rt/compiled_module.h"
#include "engine/rt/engine.h"
#include "engine/rt/store.h"
#include "engine/valid/validator.h"
#include "wasi/preview1.h"
#include "wasi/wasi_context.h"

#ifndef SPINDLE_BENCH_FIXTURE_DIR
#define SPINDLE_BENCH_FIXTURE_DIR "bench/fixtures"
#endif

namespace spindle::bench {
namespace {

// Calls made by one Call() of the guest loops (call_host, call_wasm, loop_only).
constexpr int32_t kGuestLoopCalls = 10000;

std::string FixtureDir() {
  const char* dir = std::getenv("SPINDLE_BENCH_FIXTURES");
  return dir && *dir ? dir : SPINDLE_BENCH_FIXTURE_DIR;
}

struct Fixture {
  std::vector<uint8_t> bytes;
  std::string error;  // non-empty if the file could not be read
};

// Reads fixtures once per process.
const Fixture& LoadFixture(const std::string& name) {
  static std::map<std::string, Fixture> cache;
  auto found = cache.find(name);
  if (found != cache.end()) return found->second;
  Fixture fixture;
  const std::string path = FixtureDir() + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fixture.error = "cannot read " + path + " (build the spindle-bench-fixtures target, or set "
                    "SPINDLE_BENCH_FIXTURES)";
  } else {
    fixture.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return cache.emplace(name, std::move(fixture)).first->second;
}

Engine& SharedEngine() {
  static Engine engine;
  return engine;
}

// Skips the benchmark and returns false if `result` failed.
template <typename R>
bool Check(benchmark::State& state, const R& result, const char* what) {
  if (result.ok()) return true;
  state.SkipWithError((std::string(what) + ": " + result.error().ToString()).c_str());
  return false;
}

// Loads and compiles a fixture; null (with the benchmark skipped) on failure.
std::shared_ptr<CompiledModule> CompileFixture(benchmark::State& state, const std::string& name) {
  const Fixture& fixture = LoadFixture(name);
  if (!fixture.error.empty()) {
    state.SkipWithError(fixture.error.c_str());
    return nullptr;
  }
  auto compiled = CompiledModule::CompileBytes(SharedEngine(), fixture.bytes, name);
  if (!Check(state, compiled, name.c_str())) return nullptr;
  return *compiled;
}

// A linker with the one import of small-*.wasm: env.nop, an empty host function.
std::unique_ptr<Linker> SmallLinker(benchmark::State& state) {
  auto linker = std::make_unique<Linker>(SharedEngine());
  if (!Check(state, linker->Func("env", "nop", [] {}), "define env.nop")) return nullptr;
  return linker;
}

std::shared_ptr<InstancePre> PrepareSmall(benchmark::State& state, const std::string& name) {
  auto module = CompileFixture(state, name);
  if (!module) return nullptr;
  auto linker = SmallLinker(state);
  if (!linker) return nullptr;
  auto pre = linker->Prepare(module);
  if (!Check(state, pre, "prepare")) return nullptr;
  return *pre;
}

void SetModuleBytes(benchmark::State& state, size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
  state.counters["module_bytes"] = static_cast<double>(bytes);
}

// ------------------------------------------------------------------ loading

// Decode + validate + the per-module setup: what loading a module costs.
void BM_Compile(benchmark::State& state, const char* name) {
  const Fixture& fixture = LoadFixture(name);
  if (!fixture.error.empty()) return state.SkipWithError(fixture.error.c_str());
  for (auto _ : state) {
    auto compiled = CompiledModule::CompileBytes(SharedEngine(), fixture.bytes, name);
    if (!Check(state, compiled, name)) break;
    benchmark::DoNotOptimize(compiled->get());
  }
  SetModuleBytes(state, fixture.bytes.size());
}
BENCHMARK_CAPTURE(BM_Compile, large, "large.wasm")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Compile, hello, "hello.wasm")->Unit(benchmark::kMicrosecond);

// The structural pass alone (function bodies are left to the validator).
void BM_Decode(benchmark::State& state, const char* name) {
  const Fixture& fixture = LoadFixture(name);
  if (!fixture.error.empty()) return state.SkipWithError(fixture.error.c_str());
  const std::shared_ptr<const ByteSource> source = ByteSource::Copy(fixture.bytes);
  for (auto _ : state) {
    auto module = DecodeModule(source);
    if (!Check(state, module, name)) break;
    benchmark::DoNotOptimize(module->get());
  }
  SetModuleBytes(state, fixture.bytes.size());
}
BENCHMARK_CAPTURE(BM_Decode, large, "large.wasm")->Unit(benchmark::kMillisecond);

// Validation alone, on a module decoded once (ValidateModule is repeatable).
void BM_Validate(benchmark::State& state, const char* name) {
  const Fixture& fixture = LoadFixture(name);
  if (!fixture.error.empty()) return state.SkipWithError(fixture.error.c_str());
  auto module = DecodeModule(ByteSource::Copy(fixture.bytes));
  if (!Check(state, module, name)) return;
  for (auto _ : state) {
    Status status = ValidateModule(**module);
    if (!Check(state, status, name)) break;
  }
  SetModuleBytes(state, fixture.bytes.size());
}
BENCHMARK_CAPTURE(BM_Validate, large, "large.wasm")->Unit(benchmark::kMillisecond);

// ------------------------------------------------------------ instantiation

// Creating and dropping an empty store: the floor under every request.
void BM_StoreCreate(benchmark::State& state) {
  for (auto _ : state) {
    Store store(SharedEngine());
    benchmark::DoNotOptimize(&store);
  }
}
BENCHMARK(BM_StoreCreate)->Unit(benchmark::kNanosecond);

// A WASI command (hello.wasm, imports resolved once by Prepare) instantiated
// into a fresh store per iteration; the store is dropped at the end of each.
void BM_InstantiateHello(benchmark::State& state) {
  auto module = CompileFixture(state, "hello.wasm");
  if (!module) return;
  Linker linker(SharedEngine());
  if (!Check(state, wasi::AddPreview1(linker), "AddPreview1")) return;
  auto pre = linker.Prepare(module);
  if (!Check(state, pre, "prepare")) return;
  wasi::WasiOptions options;
  options.args = {"hello.wasm"};
  auto context = wasi::WasiContext::Create(std::move(options));
  if (!Check(state, context, "WASI context")) return;
  for (auto _ : state) {
    Store store(SharedEngine());
    store.set_user_data(context->get());
    auto instance = (*pre)->Instantiate(store);
    if (!Check(state, instance, "instantiate")) break;
    benchmark::DoNotOptimize(*instance);
  }
}
BENCHMARK(BM_InstantiateHello)->Unit(benchmark::kMicrosecond);

// small-<pages>p.wasm into a fresh store: a 1-page vs a 16-page memory.
void BM_InstantiateSmall(benchmark::State& state) {
  const std::string name = "small-" + std::to_string(state.range(0)) + "p.wasm";
  auto pre = PrepareSmall(state, name);
  if (!pre) return;
  for (auto _ : state) {
    Store store(SharedEngine());
    auto instance = pre->Instantiate(store);
    if (!Check(state, instance, "instantiate")) break;
    benchmark::DoNotOptimize(*instance);
  }
}
BENCHMARK(BM_InstantiateSmall)->ArgName("pages")->Arg(1)->Arg(16)->Unit(benchmark::kMicrosecond);

// A whole request: new store, instantiate, look up and call a trivial export.
void BM_InstantiateAndCall(benchmark::State& state) {
  const std::string name = "small-" + std::to_string(state.range(0)) + "p.wasm";
  auto pre = PrepareSmall(state, name);
  if (!pre) return;
  for (auto _ : state) {
    Store store(SharedEngine());
    auto instance = pre->Instantiate(store);
    if (!Check(state, instance, "instantiate")) break;
    auto result = Call(store, (*instance)->GetFunction("nop"), {});
    if (!Check(state, result, "call nop")) break;
  }
}
BENCHMARK(BM_InstantiateAndCall)->ArgName("pages")->Arg(1)->Arg(16)->Unit(benchmark::kMicrosecond);

// -------------------------------------------------------------------- calls

// One instance of small-1p.wasm that the call benchmarks share.
struct CallFixture {
  std::shared_ptr<InstancePre> pre;
  std::unique_ptr<Store> store;
  Instance* instance = nullptr;

  bool Init(benchmark::State& state) {
    pre = PrepareSmall(state, "small-1p.wasm");
    if (!pre) return false;
    store = std::make_unique<Store>(SharedEngine());
    auto created = pre->Instantiate(*store);
    if (!Check(state, created, "instantiate")) return false;
    instance = *created;
    return true;
  }
  Function* Export(benchmark::State& state, const char* name) {
    Function* function = instance->GetFunction(name);
    if (!function) state.SkipWithError((std::string("no export ") + name).c_str());
    return function;
  }
};

// host -> wasm: Call() of an exported function that does nothing.
void BM_CallHostToWasm(benchmark::State& state) {
  CallFixture fixture;
  if (!fixture.Init(state)) return;
  Function* nop = fixture.Export(state, "nop");
  if (!nop) return;
  for (auto _ : state) {
    auto result = Call(*fixture.store, nop, {});
    if (!Check(state, result, "call nop")) break;
  }
}
BENCHMARK(BM_CallHostToWasm)->Unit(benchmark::kNanosecond);

// host -> wasm with two i32 arguments and an i32 result.
void BM_CallHostToWasmArgs(benchmark::State& state) {
  CallFixture fixture;
  if (!fixture.Init(state)) return;
  Function* add = fixture.Export(state, "add");
  if (!add) return;
  int32_t i = 0;
  for (auto _ : state) {
    const Value args[] = {Value::I32(i), Value::I32(1)};
    auto result = Call(*fixture.store, add, args);
    if (!Check(state, result, "call add")) break;
    i = (*result)[0].i32();
  }
  benchmark::DoNotOptimize(i);
}
BENCHMARK(BM_CallHostToWasmArgs)->Unit(benchmark::kNanosecond);

// A guest loop of kGuestLoopCalls iterations per Call(): `call_host` calls an
// empty host function, `call_wasm` an empty wasm function, `loop_only` nothing
// (the loop's own cost). The per_call counter is time / kGuestLoopCalls.
void BM_GuestLoop(benchmark::State& state, const char* export_name) {
  CallFixture fixture;
  if (!fixture.Init(state)) return;
  Function* function = fixture.Export(state, export_name);
  if (!function) return;
  const Value args[] = {Value::I32(kGuestLoopCalls)};
  for (auto _ : state) {
    auto result = Call(*fixture.store, function, args);
    if (!Check(state, result, export_name)) break;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kGuestLoopCalls);
  state.counters["per_call"] = benchmark::Counter(
      kGuestLoopCalls, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_GuestLoop, wasm_to_host, "call_host")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_GuestLoop, wasm_to_wasm, "call_wasm")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_GuestLoop, loop_only, "loop_only")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace spindle::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("fixtures", spindle::bench::FixtureDir());
  for (const char* name : {"large.wasm", "hello.wasm", "small-1p.wasm"}) {
    const auto& fixture = spindle::bench::LoadFixture(name);
    benchmark::AddCustomContext(
        name, fixture.error.empty() ? std::to_string(fixture.bytes.size()) + " bytes" : "missing");
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
