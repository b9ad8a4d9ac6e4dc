// Private to services/: Redis addresses and a small pool of hiredis
// connections, shared by outbound Redis and the redis key-value backend.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"

struct redisContext;
struct redisReply;

namespace spindle::services {

struct RedisAddress {
  std::string host;  // IPv6 without brackets
  uint16_t port = 6379;
  int database = 0;
  std::string user;      // empty: AUTH with the password alone
  std::string password;  // empty: no AUTH
};

// "redis://[user[:password]@]host[:port][/db]". Other schemes (rediss://
// needs TLS, which this hiredis lacks) are errors saying so.
Result<RedisAddress> ParseRedisAddress(std::string_view url);

struct ReplyDeleter {
  void operator()(redisReply* reply) const;
};
using RedisReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// Connections to one address. Thread safe: each command takes an idle
// connection (or makes one), runs, and gives it back unless it failed.
class RedisPool {
 public:
  RedisPool(RedisAddress address, std::chrono::milliseconds connect_timeout,
            std::chrono::milliseconds command_timeout, size_t max_idle);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // Runs one command; arguments are binary-safe. A Redis error reply is a
  // reply (type REDIS_REPLY_ERROR), not an Error; Error is for connection
  // and protocol failures.
  Result<RedisReplyPtr> Command(const std::vector<std::string>& argv);

 private:
  Result<redisContext*> Connect();
  void Release(redisContext* context);

  RedisAddress address_;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds command_timeout_;
  size_t max_idle_;
  std::mutex mutex_;
  std::vector<redisContext*> idle_;
};

}  // namespace spindle::services
