// `--key-value` and `--sqlite` seeding at startup.
#include "services/startup_seed.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace spindle::services {
namespace {

using services_test::TempDir;
using services_test::WriteFile;

RuntimeConfig Config(const std::string& dir) {
  RuntimeConfig config;
  config.key_value_stores["default"].path = dir + "/kv.db";
  config.sqlite_databases["default"].path = dir + "/db.db";
  return config;
}

TEST(StartupSeed, KeyValue) {
  TempDir dir;
  KeyValueService service(Config(dir.path()));
  ASSERT_TRUE(SeedKeyValue(service, "default", {"greeting=hello=world", "empty="}).ok());
  KeyValueSession session(service, {"default"});
  const uint32_t store = *session.Open("default");
  const std::string greeting = "hello=world";
  EXPECT_EQ(*session.Get(store, "greeting"),
            std::vector<uint8_t>(greeting.begin(), greeting.end()));
  EXPECT_TRUE(session.Get(store, "empty")->empty());
  Status bad = SeedKeyValue(service, "default", {"novalue"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("expected KEY=VALUE"), std::string::npos);
  EXPECT_FALSE(SeedKeyValue(service, "absent", {"a=b"}).ok());
}

TEST(StartupSeed, SqlInlineAndFromFile) {
  TempDir dir;
  SqliteService service(Config(dir.path()));
  ASSERT_TRUE(
      RunStartupSql(service, "default", "CREATE TABLE t (x); INSERT INTO t VALUES (1);", dir.path())
          .ok());
  WriteFile(dir.path() + "/seed.sql", "INSERT INTO t VALUES (2);\nINSERT INTO t VALUES (3);\n");
  ASSERT_TRUE(RunStartupSql(service, "default", "@seed.sql", dir.path()).ok());
  SqliteSession session(service, {"default"});
  auto rows = session.Execute(*session.Open("default"), "SELECT x FROM t", {});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows.size(), 3u);
  Status bad = RunStartupSql(service, "default", "CREAT nonsense", dir.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(RunStartupSql(service, "default", "@missing.sql", dir.path()).ok());
}

}  // namespace
}  // namespace spindle::services
