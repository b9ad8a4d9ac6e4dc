// Where native code comes from: the on-disk cache, a sibling .swasm, and
// what happens to damaged or foreign artifacts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <set>
#include <thread>

#include "tests/native/native_test_util.h"
#include "tests/unit/test_util.h"

namespace spindle {
namespace {

namespace fs = std::filesystem;
using testing::LoadFixture;

TEST(NativeCache, SecondLookupIsACacheHit) {
  testing::ScratchDir cache;
  Engine engine;
  auto module = LoadFixture(engine, "reactor");
  auto first = tier::ObtainNativeCode(*module, testing::InProcessOptions(cache.path()));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->source, tier::NativeSource::kCompiled);
  const NativeCacheKey key = tier::CacheKey(module->bytes(), 2);
  EXPECT_EQ(first->artifact_path, cache.path() + "/" + tier::KeyHex(key) + ".swasm");
  EXPECT_TRUE(fs::exists(first->artifact_path));

  auto again = LoadFixture(engine, "reactor");
  auto second = tier::ObtainNativeCode(*again, testing::InProcessOptions(cache.path()));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->source, tier::NativeSource::kCache);
}

TEST(NativeCache, KeyCoversTheBytesAndTheSettings) {
  Engine engine;
  auto reactor = LoadFixture(engine, "reactor");
  auto traps = LoadFixture(engine, "traps");
  EXPECT_NE(tier::CacheKey(reactor->bytes(), 2), tier::CacheKey(traps->bytes(), 2));
  EXPECT_NE(tier::CacheKey(reactor->bytes(), 2), tier::CacheKey(reactor->bytes(), 1));
  EXPECT_EQ(tier::CacheKey(reactor->bytes(), 2), tier::CacheKey(reactor->bytes(), 2));
}

TEST(NativeCache, KeyIsTheSameOnEveryCore) {
  // A compile in a child process may run on another core than the server
  // that looks the artifact up (CPUID leaf 1 names the core: not in the key).
  Engine engine;
  auto module = LoadFixture(engine, "reactor");
  std::set<std::string> keys;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned core = 0; core < cores && core < 8; ++core) {
    std::thread pinned([&] {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(core, &set);
      pthread_setaffinity_np(pthread_self(), sizeof set, &set);
      sched_yield();
      keys.insert(tier::KeyHex(tier::CacheKey(module->bytes(), 2)));
    });
    pinned.join();
  }
  EXPECT_EQ(keys.size(), 1u);
}

TEST(NativeCache, DamagedEntryIsRecompiledNotTrusted) {
  testing::ScratchDir cache;
  Engine engine;
  auto module = LoadFixture(engine, "traps");
  auto first = tier::ObtainNativeCode(*module, testing::InProcessOptions(cache.path()));
  ASSERT_TRUE(first.ok());
  fs::resize_file(first->artifact_path, 100);
  auto second = tier::ObtainNativeCode(*module, testing::InProcessOptions(cache.path()));
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->source, tier::NativeSource::kCompiled);
  EXPECT_GT(fs::file_size(second->artifact_path), 4096u);
}

TEST(NativeCache, ArtifactOfAnotherModuleIsRefusedWithAReason) {
  testing::ScratchDir cache;
  Engine engine;
  auto reactor = LoadFixture(engine, "reactor");
  auto traps = LoadFixture(engine, "traps");
  auto compiled = tier::ObtainNativeCode(*reactor, testing::InProcessOptions(cache.path()));
  ASSERT_TRUE(compiled.ok());
  auto foreign = NativeCode::LoadFile(compiled->artifact_path, traps->module(),
                                      tier::CacheKey(traps->bytes(), 2));
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.error().ToString().find("cache key differs"), std::string::npos)
      << foreign.error().ToString();
  auto garbage_path = cache.path() + "/garbage.swasm";
  std::ofstream(garbage_path) << std::string(5000, 'x');
  auto garbage = NativeCode::LoadFile(garbage_path, traps->module(), tier::CacheKey(traps->bytes(), 2));
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().ToString().find("bad magic"), std::string::npos);
  EXPECT_NE(garbage.error().ToString().find(garbage_path), std::string::npos);
}

TEST(NativeCache, SiblingArtifactIsUsedWithoutCompiling) {
  testing::ScratchDir dir;
  const std::string wasm = dir.path() + "/app.wasm";
  fs::copy_file(testing::FixturePath("reactor"), wasm);
  Engine engine;
  auto module = CompiledModule::CompileFile(engine, wasm);
  ASSERT_TRUE(module.ok());
  tier::NativeOptions lookup = testing::InProcessOptions(dir.path() + "/cache");
  lookup.lookup_only = true;
  EXPECT_FALSE(tier::ObtainNativeCode(**module, lookup).ok());

  const NativeCacheKey key = tier::CacheKey((*module)->bytes(), 2);
  auto artifact = tier::CompileArtifact((*module)->bytes(), key, 2, 1);
  ASSERT_TRUE(artifact.ok());
  ASSERT_TRUE(tier::WriteArtifactAtomically(dir.path() + "/app.swasm", *artifact).ok());
  auto found = tier::ObtainNativeCode(**module, lookup);
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  EXPECT_EQ(found->source, tier::NativeSource::kSiblingArtifact);
}

TEST(NativeCache, ConcurrentWritersBothSucceed) {
  testing::ScratchDir cache;
  Engine engine;
  auto module = LoadFixture(engine, "reactor");
  std::vector<std::thread> threads;
  std::atomic<int> succeeded{0};
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      if (tier::ObtainNativeCode(*module, testing::InProcessOptions(cache.path())).ok()) ++succeeded;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(succeeded.load(), 3);
  // Only the finished artifact is left, no temporary files.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(cache.path())) {
    EXPECT_EQ(entry.path().extension(), ".swasm") << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 1);
}

// Threads of one process writing the same entry each get their own
// temporary file: the entry is always one writer's bytes, never a mix.
TEST(NativeCache, ConcurrentAtomicWritesNeverMixTheirBytes) {
  testing::ScratchDir dir;
  const std::string path = dir.path() + "/entry.swasm";
  constexpr size_t kBytes = 1 << 20;
  for (int round = 0; round < 10; ++round) {
    std::vector<std::thread> writers;
    std::atomic<int> written{0};
    for (uint8_t fill = 1; fill <= 4; ++fill) {
      writers.emplace_back([&, fill] {
        const std::vector<uint8_t> bytes(kBytes, fill);
        if (tier::WriteArtifactAtomically(path, bytes).ok()) ++written;
      });
    }
    for (auto& writer : writers) writer.join();
    EXPECT_EQ(written.load(), 4);
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
    ASSERT_EQ(bytes.size(), kBytes);
    EXPECT_EQ(std::count(bytes.begin(), bytes.end(), bytes[0]), static_cast<ptrdiff_t>(kBytes))
        << "round " << round << ": the entry mixes the bytes of several writers";
  }
}

TEST(NativeCache, ChildProcessCompileFillsTheCache) {
  testing::ScratchDir cache;
  Engine engine;
  auto module = LoadFixture(engine, "reactor");
  tier::NativeOptions options = testing::InProcessOptions(cache.path());
  options.compiler_exe = std::string(SPINDLE_BIN_DIR) + "/spindle";
  auto outcome = tier::ObtainNativeCode(*module, options);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_EQ(outcome->source, tier::NativeSource::kCompiled);
  EXPECT_TRUE(fs::exists(outcome->artifact_path));
}

}  // namespace
}  // namespace spindle
