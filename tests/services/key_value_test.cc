// Key-value stores: round trips on the SQLite (file and memory) and Redis
// backends, access rules, handle limits, persistence across reopen, and a
// committed set surviving kill -9.
#include "services/key_value.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "test_support.h"

extern char** environ;

namespace spindle::services {
namespace {

using services_test::RedisServer;
using services_test::TempDir;

std::vector<uint8_t> Bytes(const std::string& text) { return {text.begin(), text.end()}; }

RuntimeConfig SqliteConfig(const std::string& path) {
  RuntimeConfig config;
  config.key_value_stores["default"].path = path;
  config.key_value_stores["other"].path = path;  // two labels, one file
  config.key_value_stores["memory"] = KeyValueStoreConfig{};
  return config;
}

void RoundTrip(KeyValueSession& session, const std::string& label) {
  auto store = session.Open(label);
  ASSERT_TRUE(store.ok()) << static_cast<int>(store.error().kind) << " " << store.error().message;
  auto missing = session.Get(*store, "k");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, KvError::Kind::kNoSuchKey);
  EXPECT_FALSE(*session.Exists(*store, "k"));
  ASSERT_TRUE(session.Set(*store, "k", Bytes("v1")).ok());
  ASSERT_TRUE(session.Set(*store, "k", Bytes("v2")).ok());  // overwrite
  const std::vector<uint8_t> binary = {0, 1, 2, 255, 0};
  ASSERT_TRUE(session.Set(*store, "bin", binary).ok());
  ASSERT_TRUE(session.Set(*store, "empty", {}).ok());
  EXPECT_EQ(*session.Get(*store, "k"), Bytes("v2"));
  EXPECT_EQ(*session.Get(*store, "bin"), binary);
  EXPECT_TRUE(session.Get(*store, "empty")->empty());
  EXPECT_TRUE(*session.Exists(*store, "k"));
  auto keys = session.GetKeys(*store);
  ASSERT_TRUE(keys.ok());
  std::sort(keys->begin(), keys->end());
  EXPECT_EQ(*keys, (std::vector<std::string>{"bin", "empty", "k"}));
  ASSERT_TRUE(session.Delete(*store, "k").ok());
  ASSERT_TRUE(session.Delete(*store, "k").ok());  // deleting a missing key is fine
  EXPECT_FALSE(*session.Exists(*store, "k"));
  session.Close(*store);
  auto closed = session.Get(*store, "bin");
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().kind, KvError::Kind::kInvalidStore);
}

TEST(KeyValue, SqliteFileRoundTrip) {
  TempDir dir;
  KeyValueService service(SqliteConfig(dir.path() + "/state/kv.db"));
  KeyValueSession session(service, {"default", "memory"});
  RoundTrip(session, "default");
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/state/kv.db"));
}

TEST(KeyValue, SqliteMemoryRoundTrip) {
  KeyValueService service(SqliteConfig("/nonexistent/unused.db"));
  KeyValueSession session(service, {"memory"});
  RoundTrip(session, "memory");
}

TEST(KeyValue, LabelsSharingAFileAreSeparate) {
  TempDir dir;
  KeyValueService service(SqliteConfig(dir.path() + "/kv.db"));
  KeyValueSession session(service, {"default", "other"});
  const uint32_t a = *session.Open("default");
  const uint32_t b = *session.Open("other");
  ASSERT_TRUE(session.Set(a, "k", Bytes("a")).ok());
  EXPECT_FALSE(*session.Exists(b, "k"));
  EXPECT_TRUE(session.GetKeys(b)->empty());
}

TEST(KeyValue, AccessRules) {
  TempDir dir;
  KeyValueService service(SqliteConfig(dir.path() + "/kv.db"));
  KeyValueSession session(service, {"default", "unconfigured"});
  auto denied = session.Open("other");  // configured, but not listed by the component
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().kind, KvError::Kind::kAccessDenied);
  auto missing = session.Open("unconfigured");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, KvError::Kind::kNoSuchStore);
  auto bad_handle = session.Get(42, "k");
  ASSERT_FALSE(bad_handle.ok());
  EXPECT_EQ(bad_handle.error().kind, KvError::Kind::kInvalidStore);
  session.Close(42);  // harmless
}

TEST(KeyValue, HandleTableCap) {
  TempDir dir;
  KeyValueService service(SqliteConfig(dir.path() + "/kv.db"));
  KeyValueSession session(service, {"default"}, /*max_handles=*/3);
  std::vector<uint32_t> handles;
  for (int i = 0; i < 3; ++i) handles.push_back(*session.Open("default"));
  auto full = session.Open("default");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().kind, KvError::Kind::kStoreTableFull);
  session.Close(handles[0]);
  EXPECT_TRUE(session.Open("default").ok());
}

TEST(KeyValue, PersistsAcrossReopenWithSpinSchema) {
  TempDir dir;
  const std::string path = dir.path() + "/kv.db";
  {
    KeyValueService service(SqliteConfig(path));
    KeyValueSession session(service, {"default"});
    ASSERT_TRUE(session.Set(*session.Open("default"), "persist", Bytes("yes")).ok());
  }
  {
    KeyValueService service(SqliteConfig(path));
    KeyValueSession session(service, {"default"});
    EXPECT_EQ(*session.Get(*session.Open("default"), "persist"), Bytes("yes"));
  }
  // The rows are where Spin keeps them.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT store, key, value FROM spin_key_value", -1, &statement,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "default");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)), "persist");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(KeyValue, CommittedSetSurvivesKill9) {
  TempDir dir;
  const std::string path = dir.path() + "/kv.db";
  const std::string writer = SPINDLE_KV_CRASH_WRITER;
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<std::string> args = {writer, path, "durable", "value-before-crash"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, writer.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  // Bounded wait for "committed".
  timeval timeout{20, 0};
  fd_set ready;
  FD_ZERO(&ready);
  FD_SET(pipe_fds[0], &ready);
  std::string out;
  if (select(pipe_fds[0] + 1, &ready, nullptr, nullptr, &timeout) > 0) {
    char buffer[64];
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) out.assign(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_EQ(out, "committed\n");
  ASSERT_TRUE(WIFSIGNALED(status));
  // The process died with the write in the WAL, never checkpointed.
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
  KeyValueService service(SqliteConfig(path));
  KeyValueSession session(service, {"default"});
  auto value = session.Get(*session.Open("default"), "durable");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, Bytes("value-before-crash"));
}

TEST(KeyValue, ConcurrentSessions) {
  TempDir dir;
  KeyValueService service(SqliteConfig(dir.path() + "/kv.db"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&service, t] {
      KeyValueSession session(service, {"default"});
      const uint32_t store = *session.Open("default");
      for (int i = 0; i < 25; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        EXPECT_TRUE(session.Set(store, key, Bytes(key)).ok());
        EXPECT_EQ(*session.Get(store, key), Bytes(key));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  KeyValueSession session(service, {"default"});
  EXPECT_EQ(session.GetKeys(*session.Open("default"))->size(), 100u);
}

TEST(KeyValue, RedisRoundTrip) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.error();
  RuntimeConfig config;
  config.key_value_stores["cache"].type = KeyValueStoreConfig::Type::kRedis;
  config.key_value_stores["cache"].url = redis.url() + "/3";
  KeyValueService service(config);
  KeyValueSession session(service, {"cache"});
  RoundTrip(session, "cache");
}

TEST(KeyValue, RedisGetKeysScansEverything) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.error();
  RuntimeConfig config;
  config.key_value_stores["cache"].type = KeyValueStoreConfig::Type::kRedis;
  config.key_value_stores["cache"].url = redis.url();
  KeyValueService service(config);
  KeyValueSession session(service, {"cache"});
  const uint32_t store = *session.Open("cache");
  for (int i = 0; i < 2500; ++i) ASSERT_TRUE(session.Set(store, std::to_string(i), {}).ok());
  auto keys = session.GetKeys(store);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 2500u);  // several SCAN batches, no repeats
}

TEST(KeyValue, RedisDownIsIoError) {
  RuntimeConfig config;
  config.key_value_stores["cache"].type = KeyValueStoreConfig::Type::kRedis;
  config.key_value_stores["cache"].url =
      "redis://127.0.0.1:" + std::to_string(services_test::FreePort());
  KeyValueService service(config);
  KeyValueSession session(service, {"cache"});
  auto store = session.Open("cache");
  ASSERT_TRUE(store.ok());
  auto value = session.Get(*store, "k");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().kind, KvError::Kind::kIo);
  EXPECT_NE(value.error().message.find("cannot connect"), std::string::npos)
      << value.error().message;
}

}  // namespace
}  // namespace spindle::services
