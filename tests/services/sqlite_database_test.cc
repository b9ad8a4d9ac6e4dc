// SQLite databases: every value type both ways, access rules, errors.
#include "services/sqlite_database.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include "test_support.h"

namespace spindle::services {
namespace {

using services_test::TempDir;

RuntimeConfig Config(const std::string& dir) {
  RuntimeConfig config;
  config.sqlite_databases["default"].path = dir + "/db/app.db";
  config.sqlite_databases["memory"] = SqliteDatabaseConfig{};
  return config;
}

TEST(SqliteDatabase, EveryValueTypeRoundTrips) {
  TempDir dir;
  SqliteService service(Config(dir.path()));
  SqliteSession session(service, {"default"});
  auto connection = session.Open("default");
  ASSERT_TRUE(connection.ok()) << connection.error().message;
  ASSERT_TRUE(
      session.Execute(*connection, "CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)", {})
          .ok());
  const std::vector<SqlValue> row = {int64_t{-9007199254740993}, 2.5, std::string("héllo\0x", 7),
                                     std::vector<uint8_t>{0, 1, 254}, SqlNull{}};
  auto inserted = session.Execute(*connection, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", row);
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  EXPECT_TRUE(inserted->columns.empty());
  EXPECT_TRUE(inserted->rows.empty());
  ASSERT_TRUE(
      session.Execute(*connection, "INSERT INTO t (b) VALUES (?)", {std::vector<uint8_t>{}}).ok());
  auto result =
      session.Execute(*connection, "SELECT i, r, s, b, n AS absent FROM t ORDER BY rowid", {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->columns, (std::vector<std::string>{"i", "r", "s", "b", "absent"}));
  ASSERT_EQ(result->rows.size(), 2u);
  EXPECT_EQ(result->rows[0].values, row);
  EXPECT_EQ(result->rows[1].values[3], SqlValue(std::vector<uint8_t>{}));
  EXPECT_EQ(result->rows[1].values[0], SqlValue(SqlNull{}));
  auto filtered = session.Execute(*connection, "SELECT count(*) FROM t WHERE i = ?1 OR r = ?1",
                                  {int64_t{-9007199254740993}});
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(filtered->rows[0].values[0], SqlValue(int64_t{1}));
}

TEST(SqliteDatabase, PersistsAndInMemoryIsSharedWithinService) {
  TempDir dir;
  {
    SqliteService service(Config(dir.path()));
    SqliteSession session(service, {"default", "memory"});
    const uint32_t file = *session.Open("default");
    ASSERT_TRUE(session.Execute(file, "CREATE TABLE kept (x)", {}).ok());
    const uint32_t a = *session.Open("memory");
    const uint32_t b = *session.Open("memory");
    ASSERT_TRUE(session.Execute(a, "CREATE TABLE m (x)", {}).ok());
    ASSERT_TRUE(session.Execute(a, "INSERT INTO m VALUES (1)", {}).ok());
    EXPECT_EQ(session.Execute(b, "SELECT x FROM m", {})->rows.size(), 1u);
  }
  SqliteService service(Config(dir.path()));
  SqliteSession session(service, {"default", "memory"});
  EXPECT_TRUE(session.Execute(*session.Open("default"), "SELECT * FROM kept", {}).ok());
  EXPECT_FALSE(session.Execute(*session.Open("memory"), "SELECT * FROM m", {})
                   .ok());  // a new service starts empty
}

TEST(SqliteDatabase, AccessRulesAndHandles) {
  TempDir dir;
  SqliteService service(Config(dir.path()));
  SqliteSession session(service, {"default", "absent"});
  auto denied = session.Open("memory");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().kind, SqliteError::Kind::kAccessDenied);
  auto missing = session.Open("absent");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, SqliteError::Kind::kNoSuchDatabase);
  auto invalid = session.Execute(77, "SELECT 1", {});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind, SqliteError::Kind::kInvalidConnection);
  const uint32_t connection = *session.Open("default");
  session.Close(connection);
  auto closed = session.Execute(connection, "SELECT 1", {});
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().kind, SqliteError::Kind::kInvalidConnection);
}

TEST(SqliteDatabase, StatementErrorsAreIo) {
  TempDir dir;
  SqliteService service(Config(dir.path()));
  SqliteSession session(service, {"default"});
  const uint32_t connection = *session.Open("default");
  auto syntax = session.Execute(connection, "SELEC nonsense", {});
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().kind, SqliteError::Kind::kIo);
  EXPECT_NE(syntax.error().message.find("syntax error"), std::string::npos)
      << syntax.error().message;
  auto count = session.Execute(connection, "SELECT ?", {});
  ASSERT_FALSE(count.ok());
  EXPECT_NE(count.error().message.find("1 parameters but 0"), std::string::npos);
  auto two = session.Execute(connection, "SELECT 1; SELECT 2", {});
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message.find("one statement"), std::string::npos);
  ASSERT_TRUE(session.Execute(connection, "CREATE TABLE u (x UNIQUE)", {}).ok());
  ASSERT_TRUE(session.Execute(connection, "INSERT INTO u VALUES (1)", {}).ok());
  auto constraint = session.Execute(connection, "INSERT INTO u VALUES (1)", {});
  ASSERT_FALSE(constraint.ok());
  EXPECT_NE(constraint.error().message.find("UNIQUE"), std::string::npos)
      << constraint.error().message;
}

TEST(SqliteDatabase, FullDatabaseIsDatabaseFull) {
  TempDir dir;
  SqliteService service(Config(dir.path()));
  SqliteSession session(service, {"default"});
  const uint32_t connection = *session.Open("default");
  ASSERT_TRUE(session.Execute(connection, "CREATE TABLE big (b)", {}).ok());
  // max_page_count caps the file, as a full disk would.
  ASSERT_TRUE(session.Execute(connection, "PRAGMA max_page_count = 8", {}).ok());
  auto full = session.Execute(connection, "INSERT INTO big VALUES (zeroblob(1000000))", {});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().kind, SqliteError::Kind::kDatabaseFull);
}

TEST(SqliteDatabase, TransactionsArePerConnection) {
  TempDir dir;
  SqliteService service(Config(dir.path()));
  SqliteSession session(service, {"default"});
  const uint32_t a = *session.Open("default");
  const uint32_t b = *session.Open("default");
  ASSERT_TRUE(session.Execute(a, "CREATE TABLE t (x)", {}).ok());
  ASSERT_TRUE(session.Execute(a, "BEGIN", {}).ok());
  ASSERT_TRUE(session.Execute(a, "INSERT INTO t VALUES (1)", {}).ok());
  EXPECT_TRUE(session.Execute(b, "SELECT * FROM t", {})->rows.empty());
  ASSERT_TRUE(session.Execute(a, "COMMIT", {}).ok());
  EXPECT_EQ(session.Execute(b, "SELECT * FROM t", {})->rows.size(), 1u);
}

}  // namespace
}  // namespace spindle::services
