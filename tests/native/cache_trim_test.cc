// The native code cache stays under its size limit: least recently used
// entries go first, the entry just written stays, stale temporaries of dead
// writers go, and a cache hit counts as a use.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "engine/tier/cache_trim.h"
#include "tests/native/native_test_util.h"
#include "tests/unit/test_util.h"

namespace spindle {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;

void WriteFile(const std::string& path, size_t bytes, hours age) {
  std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
  fs::last_write_time(path, fs::file_time_type::clock::now() - age);
}

// Sets an environment variable for one test and restores it after.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnvironment() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(CacheTrim, OldestEntriesGoFirstUntilTheCacheFits) {
  testing::ScratchDir dir;
  WriteFile(dir.path() + "/a.swasm", 100, hours(3));
  WriteFile(dir.path() + "/b.swasm", 100, hours(2));
  WriteFile(dir.path() + "/c.swasm", 100, hours(1));
  WriteFile(dir.path() + "/notes.txt", 1000, hours(5));  // not an entry
  const tier::CacheTrim trim = tier::TrimCache(dir.path(), 150, "");
  EXPECT_EQ(trim.removed_entries, 2u);
  EXPECT_EQ(trim.removed_bytes, 200u);
  EXPECT_EQ(trim.remaining_bytes, 100u);
  EXPECT_FALSE(fs::exists(dir.path() + "/a.swasm"));
  EXPECT_FALSE(fs::exists(dir.path() + "/b.swasm"));
  EXPECT_TRUE(fs::exists(dir.path() + "/c.swasm"));
  EXPECT_TRUE(fs::exists(dir.path() + "/notes.txt"));
}

TEST(CacheTrim, TheKeptEntryStaysEvenWhenItAloneIsTooBig) {
  testing::ScratchDir dir;
  WriteFile(dir.path() + "/old.swasm", 100, hours(2));
  WriteFile(dir.path() + "/new.swasm", 500, hours(3));  // older mtime, but just written
  const tier::CacheTrim trim = tier::TrimCache(dir.path(), 200, dir.path() + "/new.swasm");
  EXPECT_EQ(trim.removed_entries, 1u);
  EXPECT_EQ(trim.remaining_bytes, 500u);
  EXPECT_TRUE(fs::exists(dir.path() + "/new.swasm"));
  EXPECT_FALSE(fs::exists(dir.path() + "/old.swasm"));
}

TEST(CacheTrim, WithoutALimitOnlyStaleTemporariesGo) {
  testing::ScratchDir dir;
  WriteFile(dir.path() + "/a.swasm", 100, hours(48));
  WriteFile(dir.path() + "/b.swasm.tmp.123", 100, hours(2));  // a writer that died
  WriteFile(dir.path() + "/c.swasm.tmp.456", 100, hours(0));  // a writer still at work
  const tier::CacheTrim trim = tier::TrimCache(dir.path(), 0, "");
  EXPECT_EQ(trim.removed_entries, 0u);
  EXPECT_EQ(trim.removed_temporaries, 1u);
  EXPECT_TRUE(fs::exists(dir.path() + "/a.swasm"));
  EXPECT_FALSE(fs::exists(dir.path() + "/b.swasm.tmp.123"));
  EXPECT_TRUE(fs::exists(dir.path() + "/c.swasm.tmp.456"));
}

TEST(CacheTrim, AMissingDirectoryIsNothingToTrim) {
  const tier::CacheTrim trim = tier::TrimCache("/nonexistent/spindle-cache", 1, "");
  EXPECT_EQ(trim.removed_entries, 0u);
  EXPECT_EQ(trim.remaining_bytes, 0u);
}

TEST(CacheTrim, TheLimitComesFromTheEnvironment) {
  {
    ScopedEnvironment unset("SPINDLE_CACHE_MAX_MB", nullptr);
    EXPECT_EQ(tier::CacheMaxBytesFromEnvironment().value(), tier::kDefaultCacheMaxBytes);
  }
  {
    ScopedEnvironment five("SPINDLE_CACHE_MAX_MB", "5");
    EXPECT_EQ(tier::CacheMaxBytesFromEnvironment().value(), uint64_t{5} << 20);
  }
  {
    ScopedEnvironment none("SPINDLE_CACHE_MAX_MB", "0");
    EXPECT_EQ(tier::CacheMaxBytesFromEnvironment().value(), 0u);
  }
  for (const char* bad : {"abc", "12x", "-3", "99999999999999999999"}) {
    ScopedEnvironment wrong("SPINDLE_CACHE_MAX_MB", bad);
    auto limit = tier::CacheMaxBytesFromEnvironment();
    ASSERT_FALSE(limit.ok()) << bad;
    EXPECT_NE(limit.error().message.find("SPINDLE_CACHE_MAX_MB"), std::string::npos);
    EXPECT_NE(limit.error().message.find(bad), std::string::npos);
  }
}

TEST(NativeCache, ACompileTrimsTheLeastRecentlyUsedEntries) {
  testing::ScratchDir cache;
  Engine engine;
  auto reactor = testing::LoadFixture(engine, "reactor");
  auto first = tier::ObtainNativeCode(*reactor, testing::InProcessOptions(cache.path()));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  fs::last_write_time(first->artifact_path, fs::file_time_type::clock::now() - hours(2));

  auto traps = testing::LoadFixture(engine, "traps");
  tier::NativeOptions options = testing::InProcessOptions(cache.path());
  options.cache_max_bytes = 1;  // room for the new entry alone
  auto second = tier::ObtainNativeCode(*traps, options);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_TRUE(fs::exists(second->artifact_path));
  EXPECT_FALSE(fs::exists(first->artifact_path));
  // The entry is gone: the next lookup compiles again.
  auto again = tier::ObtainNativeCode(*reactor, testing::InProcessOptions(cache.path()));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->source, tier::NativeSource::kCompiled);
}

TEST(NativeCache, AHitMarksTheEntryAsUsed) {
  testing::ScratchDir cache;
  Engine engine;
  auto module = testing::LoadFixture(engine, "reactor");
  auto first = tier::ObtainNativeCode(*module, testing::InProcessOptions(cache.path()));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  const auto old = fs::file_time_type::clock::now() - hours(2);
  fs::last_write_time(first->artifact_path, old);
  auto hit = tier::ObtainNativeCode(*module, testing::InProcessOptions(cache.path()));
  ASSERT_TRUE(hit.ok());
  EXPECT_EQ(hit->source, tier::NativeSource::kCache);
  EXPECT_GT(fs::last_write_time(first->artifact_path), old + hours(1));
}

TEST(NativeCache, ABadLimitFailsBeforeCompiling) {
  testing::ScratchDir cache;
  ScopedEnvironment wrong("SPINDLE_CACHE_MAX_MB", "lots");
  Engine engine;
  auto module = testing::LoadFixture(engine, "reactor");
  auto outcome = tier::ObtainNativeCode(*module, testing::InProcessOptions(cache.path()));
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error().message.find("SPINDLE_CACHE_MAX_MB"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(cache.path()));
}

}  // namespace
}  // namespace spindle
