// Outbound Redis against a real redis-server on loopback: every operation,
// a denied address, bad addresses, Redis error replies.
#include "services/outbound_redis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "test_support.h"

namespace spindle::services {
namespace {

using services_test::LogCapture;
using services_test::RedisServer;

Payload Bytes(const std::string& text) { return {text.begin(), text.end()}; }

OutboundHosts Allow(const std::vector<std::string>& entries) {
  OutboundHostsOptions options;
  options.component_id = "worker";
  options.where = {"spin.toml", 20, 1};
  return OutboundHosts::Create(entries, options).value();
}

class OutboundRedisTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.ok()) << redis_.error(); }
  RedisServer redis_;
  OutboundRedis client_;
  OutboundHosts allowed_ = Allow({"redis://127.0.0.1:*"});
};

TEST_F(OutboundRedisTest, GetSetIncrDel) {
  const std::string address = redis_.url();
  ASSERT_TRUE(client_.Set(allowed_, address, "k", Bytes("v\0x")).ok());
  EXPECT_EQ(*client_.Get(allowed_, address, "k"), Bytes("v\0x"));
  EXPECT_TRUE(client_.Get(allowed_, address, "missing")->empty());
  EXPECT_EQ(*client_.Incr(allowed_, address, "n"), 1);
  EXPECT_EQ(*client_.Incr(allowed_, address, "n"), 2);
  EXPECT_EQ(*client_.Del(allowed_, address, {"k", "n", "absent"}), 2);
  EXPECT_TRUE(client_.Get(allowed_, address, "k")->empty());
}

TEST_F(OutboundRedisTest, Sets) {
  const std::string address = redis_.url();
  EXPECT_EQ(*client_.Sadd(allowed_, address, "s", {"a", "b", "c"}), 3);
  EXPECT_EQ(*client_.Sadd(allowed_, address, "s", {"a"}), 0);
  EXPECT_EQ(*client_.Srem(allowed_, address, "s", {"b", "zz"}), 1);
  auto members = client_.Smembers(allowed_, address, "s");
  ASSERT_TRUE(members.ok());
  std::sort(members->begin(), members->end());
  EXPECT_EQ(*members, (std::vector<std::string>{"a", "c"}));
}

TEST_F(OutboundRedisTest, Publish) {
  EXPECT_TRUE(client_.Publish(allowed_, redis_.url(), "channel", Bytes("hi")).ok());
}

TEST_F(OutboundRedisTest, ExecuteResultsOfEveryKind) {
  const std::string address = redis_.url();
  auto status = client_.Execute(allowed_, address, "SET", {Bytes("x"), int64_t{42}});
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->size(), 1u);
  EXPECT_EQ((*status)[0], RedisResult(std::string("OK")));
  auto integer = client_.Execute(allowed_, address, "INCRBY", {Bytes("x"), int64_t{-2}});
  ASSERT_TRUE(integer.ok());
  EXPECT_EQ((*integer)[0], RedisResult(int64_t{40}));
  auto binary = client_.Execute(allowed_, address, "GET", {Bytes("x")});
  ASSERT_TRUE(binary.ok());
  EXPECT_EQ((*binary)[0], RedisResult(Bytes("40")));
  auto nil = client_.Execute(allowed_, address, "GET", {Bytes("nope")});
  ASSERT_TRUE(nil.ok());
  EXPECT_EQ((*nil)[0], RedisResult(RedisNil{}));
  ASSERT_TRUE(
      client_.Execute(allowed_, address, "RPUSH", {Bytes("l"), Bytes("a"), int64_t{7}}).ok());
  auto array = client_.Execute(allowed_, address, "LRANGE", {Bytes("l"), int64_t{0}, int64_t{-1}});
  ASSERT_TRUE(array.ok());
  EXPECT_EQ(*array, (std::vector<RedisResult>{Bytes("a"), Bytes("7")}));
}

TEST_F(OutboundRedisTest, ErrorReplyIsErrorAndLogged) {
  LogCapture logs;
  auto result = client_.Execute(allowed_, redis_.url(), "NOSUCHCOMMAND", {}, "worker");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), RedisError::kError);
  EXPECT_NE(logs.text().find("unknown command"), std::string::npos) << logs.text();
  ASSERT_TRUE(client_.Set(allowed_, redis_.url(), "str", Bytes("x")).ok());
  EXPECT_FALSE(client_.Incr(allowed_, redis_.url(), "str").ok());  // not an integer
}

TEST_F(OutboundRedisTest, DatabaseNumberSelects) {
  ASSERT_TRUE(client_.Set(allowed_, redis_.url() + "/2", "k", Bytes("two")).ok());
  EXPECT_TRUE(client_.Get(allowed_, redis_.url() + "/0", "k")->empty());
  EXPECT_EQ(*client_.Get(allowed_, redis_.url() + "/2", "k"), Bytes("two"));
}

TEST_F(OutboundRedisTest, DeniedAddress) {
  const OutboundHosts other = Allow({"redis://cache.internal"});
  LogCapture logs;
  auto result = client_.Get(other, redis_.url(), "k", "worker");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(logs.text().find("spin.toml:20:1"), std::string::npos) << logs.text();
  EXPECT_NE(logs.text().find("add \"redis://127.0.0.1:" + std::to_string(redis_.port()) + "\""),
            std::string::npos)
      << logs.text();
  const OutboundHosts default_port_only = Allow({"redis://127.0.0.1"});
  EXPECT_FALSE(client_.Set(default_port_only, redis_.url(), "k", Bytes("v")).ok());
}

TEST_F(OutboundRedisTest, PasswordNeverLogged) {
  LogCapture logs;
  const std::string address = "redis://:hunter2-secret@127.0.0.1:" + std::to_string(redis_.port());
  EXPECT_FALSE(client_.Get(allowed_, address, "k").ok());  // no password is configured: AUTH fails
  EXPECT_EQ(logs.text().find("hunter2-secret"), std::string::npos) << logs.text();
  EXPECT_NE(logs.text().find("AUTH failed"), std::string::npos) << logs.text();
}

TEST_F(OutboundRedisTest, PooledConnectionClosedByServerIsReplaced) {
  const std::string address = redis_.url();
  ASSERT_TRUE(client_.Set(allowed_, address, "k", Bytes("1")).ok());  // leaves an idle connection
  // Another client closes every other connection, as a server restart would.
  OutboundRedis other;
  auto killed =
      other.Execute(allowed_, address, "CLIENT",
                    {Bytes("KILL"), Bytes("TYPE"), Bytes("normal"), Bytes("SKIPME"), Bytes("yes")});
  ASSERT_TRUE(killed.ok());
  EXPECT_GE(std::get<int64_t>((*killed)[0]), 1);
  EXPECT_EQ(*client_.Get(allowed_, address, "k"), Bytes("1"));
}

TEST_F(OutboundRedisTest, ManyThreadsShareThePool) {
  const std::string address = redis_.url();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) EXPECT_TRUE(client_.Incr(allowed_, address, "counter").ok());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(*client_.Incr(allowed_, address, "counter"), 201);
}

TEST_F(OutboundRedisTest, CommandTimeout) {
  OutboundRedis impatient(
      OutboundRedisOptions{std::chrono::milliseconds(1000), std::chrono::milliseconds(300), 4});
  LogCapture logs;
  const auto start = std::chrono::steady_clock::now();
  // BLPOP on an empty list blocks for 2 s on the server.
  auto result =
      impatient.Execute(allowed_, redis_.url(), "BLPOP", {Bytes("empty-list"), int64_t{2}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
  EXPECT_NE(logs.text().find("Redis I/O error"), std::string::npos) << logs.text();
  // The timed-out connection was dropped; the next command works.
  EXPECT_TRUE(impatient.Set(allowed_, redis_.url(), "after", Bytes("x")).ok());
}

TEST(OutboundRedis, BadAddressesAndDownServer) {
  OutboundRedis client(
      OutboundRedisOptions{std::chrono::milliseconds(500), std::chrono::milliseconds(500), 4});
  const OutboundHosts all = Allow({"*://*:*"});
  EXPECT_FALSE(client.Get(all, "http://127.0.0.1:80", "k").ok());
  EXPECT_FALSE(client.Get(all, "rediss://127.0.0.1:6380", "k").ok());
  EXPECT_FALSE(client.Get(all, "redis://127.0.0.1:1/notanumber", "k").ok());
  const std::string down = "redis://127.0.0.1:" + std::to_string(services_test::FreePort());
  LogCapture logs;
  EXPECT_FALSE(client.Get(all, down, "k").ok());
  EXPECT_NE(logs.text().find("cannot connect"), std::string::npos) << logs.text();
}

}  // namespace
}  // namespace spindle::services
