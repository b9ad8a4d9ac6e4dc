// Instantiation microbenchmarks (Google Benchmark): one iteration creates a
// store, instantiates a prepared module into it (imports resolved once by
// InstancePre), optionally writes to N distinct 4 KiB pages of its memory,
// and drops the store, which returns the memory to the engine's pool.
//
// Modes (an Engine each):
//   cow       pooled memories, data segments mapped copy-on-write (default)
//   resident  pooled memories kept resident: memcpy of the image + memset
//   copy      pooled memories, segments copied per instance (no image)
//   unpooled  no pool (capacity 0): a fresh 8 GiB reservation per instance
//   native    as cow, with the module's LLVM-tier code published
//             (tier::ObtainNativeCode: the artifact cache, else the plugin
//             next to this binary compiles it), so every instance also
//             builds its VmContext; only hello, large-data would take
//             minutes of LLVM
//
// Fixtures (bench/CMakeLists.txt): hello.wasm, and large-data.wasm (about
// 10 MB of code, 1 MiB of data), which only `ninja
// spindle-bench-instantiate-fixtures` builds; SPINDLE_BENCH_FIXTURES
// points elsewhere.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/embed/linker.h"
#include "engine/rt/compiled_module.h"
#include "engine/rt/engine.h"
#include "engine/rt/store.h"
#include "engine/tier/native_cache.h"
#include "wasi/preview1.h"
#include "wasi/wasi_context.h"

#ifndef SPINDLE_BENCH_FIXTURE_DIR
#define SPINDLE_BENCH_FIXTURE_DIR "bench/fixtures"
#endif

namespace spindle::bench {
namespace {

enum class Mode { kCopyOnWrite, kKeepResident, kCopySegments, kUnpooled, kNative };

std::string FixtureDir() {
  const char* dir = std::getenv("SPINDLE_BENCH_FIXTURES");
  return dir && *dir ? dir : SPINDLE_BENCH_FIXTURE_DIR;
}

Engine& EngineFor(Mode mode) {
  static std::map<Mode, std::unique_ptr<Engine>> engines;
  auto& engine = engines[mode];
  if (!engine) {
    EngineConfig config;
    switch (mode) {
      case Mode::kCopyOnWrite:
      case Mode::kNative: config.memory_init = MemoryInit::kCopyOnWrite; break;
      case Mode::kKeepResident: config.memory_init = MemoryInit::kKeepResident; break;
      case Mode::kCopySegments: config.memory_init = MemoryInit::kCopySegments; break;
      case Mode::kUnpooled:
        config.memory_init = MemoryInit::kCopyOnWrite;
        config.pooled_memories = 0;
        break;
    }
    engine = std::make_unique<Engine>(config);
  }
  return *engine;
}

template <typename R>
bool Check(benchmark::State& state, const R& result, const std::string& what) {
  if (result.ok()) return true;
  state.SkipWithError((what + ": " + result.error().ToString()).c_str());
  return false;
}

// A fixture compiled and prepared (WASI imports) for one engine, once.
struct Prepared {
  std::shared_ptr<InstancePre> pre;
  std::unique_ptr<wasi::WasiContext> context;
  std::string error;
};

const Prepared& Prepare(Mode mode, const std::string& name) {
  static std::map<std::pair<Mode, std::string>, Prepared> cache;
  auto [entry, inserted] = cache.try_emplace({mode, name});
  Prepared& prepared = entry->second;
  if (!inserted) return prepared;
  auto fail = [&prepared](std::string message) -> const Prepared& {
    prepared.error = std::move(message);
    return prepared;
  };
  const std::string path = FixtureDir() + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail("cannot read " + path +
                " (build the spindle-bench-instantiate-fixtures target, or set "
                "SPINDLE_BENCH_FIXTURES)");
  }
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
  Engine& engine = EngineFor(mode);
  auto module = CompiledModule::CompileBytes(engine, bytes, name);
  if (!module.ok()) return fail(module.error().ToString());
  if (mode == Mode::kNative) {
    auto native = tier::ObtainNativeCode(**module, tier::NativeOptions{});
    if (!native.ok()) return fail("native code: " + native.error().ToString());
    (*module)->PublishNativeCode(native->code);
  }
  Linker linker(engine);
  if (Status added = wasi::AddPreview1(linker); !added.ok()) {
    return fail(added.error().ToString());
  }
  auto pre = linker.Prepare(*module);
  if (!pre.ok()) return fail(pre.error().ToString());
  wasi::WasiOptions options;
  options.args = {name};
  auto context = wasi::WasiContext::Create(std::move(options));
  if (!context.ok()) return fail(context.error().ToString());
  prepared.pre = *pre;
  prepared.context = std::move(context).value();
  return prepared;
}

// Arg 0: 4 KiB pages the "guest" writes after instantiation, from address 0
// up (data first, as a program's globals and stack would be).
void BM_Instantiate(benchmark::State& state, Mode mode, const char* fixture) {
  const Prepared& prepared = Prepare(mode, fixture);
  if (!prepared.error.empty()) return state.SkipWithError(prepared.error.c_str());
  const uint64_t pages_written = static_cast<uint64_t>(state.range(0));
  Engine& engine = EngineFor(mode);
  // The first instance builds the module's image; steady state is the point.
  {
    Store store(engine);
    store.set_user_data(prepared.context.get());
    if (!Check(state, prepared.pre->Instantiate(store), "instantiate")) return;
  }
  for (auto _ : state) {
    Store store(engine);
    store.set_user_data(prepared.context.get());
    auto instance = prepared.pre->Instantiate(store);
    if (!Check(state, instance, "instantiate")) break;
    if (pages_written) {
      Memory* memory = (*instance)->GetMemory("memory");
      const uint64_t pages = std::min(pages_written, memory->size_bytes() / 4096);
      for (uint64_t page = 0; page < pages; ++page) memory->base()[page * 4096 + 64] ^= 1;
    }
    benchmark::DoNotOptimize(*instance);
  }
  const auto& image = prepared.pre->module().memory_image();
  state.counters["image_kib"] = image ? static_cast<double>(image->length()) / 1024 : 0;
}

#define SPINDLE_INSTANTIATE_BENCH(label, mode, fixture, ...) \
  BENCHMARK_CAPTURE(BM_Instantiate, label, mode, fixture)     \
      ->ArgName("pages_written")                              \
      __VA_ARGS__                                             \
      ->Unit(benchmark::kMicrosecond)

SPINDLE_INSTANTIATE_BENCH(hello_cow, Mode::kCopyOnWrite, "hello.wasm", ->Arg(0)->Arg(4));
SPINDLE_INSTANTIATE_BENCH(hello_resident, Mode::kKeepResident, "hello.wasm", ->Arg(0)->Arg(4));
SPINDLE_INSTANTIATE_BENCH(hello_copy, Mode::kCopySegments, "hello.wasm", ->Arg(0)->Arg(4));
SPINDLE_INSTANTIATE_BENCH(hello_unpooled, Mode::kUnpooled, "hello.wasm", ->Arg(0)->Arg(4));
SPINDLE_INSTANTIATE_BENCH(hello_native, Mode::kNative, "hello.wasm", ->Arg(0)->Arg(4));
SPINDLE_INSTANTIATE_BENCH(large_cow, Mode::kCopyOnWrite, "large-data.wasm",
                          ->Arg(0)->Arg(16)->Arg(64));
SPINDLE_INSTANTIATE_BENCH(large_resident, Mode::kKeepResident, "large-data.wasm",
                          ->Arg(0)->Arg(16)->Arg(64));
SPINDLE_INSTANTIATE_BENCH(large_copy, Mode::kCopySegments, "large-data.wasm",
                          ->Arg(0)->Arg(16)->Arg(64));

}  // namespace
}  // namespace spindle::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("fixtures", spindle::bench::FixtureDir());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
