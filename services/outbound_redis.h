// Outbound Redis (Spin 1 `outbound-redis`, spin-compat.md §4.1) over
// hiredis. The address is `redis://[user:password@]host[:port][/db]` and is
// checked against the component's allowed hosts (scheme redis, port 6379 by
// default) before connecting. Connections are pooled per address and
// reused; a connection that saw an I/O error is dropped, and a pooled one
// the server closed while it was idle is replaced once, transparently.
//
// Errors: the WIT enum has only `error`; each failure is logged with its
// reason (denied address, bad address, connect or timeout, a Redis error
// reply, an unexpected reply type).
//
// Thread safety: every method may be called from any number of threads at
// once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "services/expected.h"
#include "services/outbound_hosts.h"

namespace spindle::services {

// redis-types `error`, in WIT case order (`success` is never returned).
enum class RedisError : uint8_t { kSuccess = 0, kError = 1 };

// outbound-redis `redis-parameter`: int64 or binary (index = WIT case).
using RedisParameter = std::variant<int64_t, std::vector<uint8_t>>;

struct RedisNil {
  bool operator==(const RedisNil&) const = default;
};
// outbound-redis `redis-result`: nil, status, int64, binary (index = WIT case).
using RedisResult = std::variant<RedisNil, std::string, int64_t, std::vector<uint8_t>>;

using Payload = std::vector<uint8_t>;

struct OutboundRedisOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds command_timeout{30'000};
  size_t max_idle_per_address = 16;
};

class OutboundRedis {
 public:
  explicit OutboundRedis(OutboundRedisOptions options = {});
  ~OutboundRedis();
  OutboundRedis(const OutboundRedis&) = delete;
  OutboundRedis& operator=(const OutboundRedis&) = delete;

  // Each call: check `address` against `allowed`, take a pooled connection,
  // run one command. `component` names the caller in log lines.
  Expected<void, RedisError> Publish(const OutboundHosts& allowed, const std::string& address,
                                     const std::string& channel, const Payload& payload,
                                     const std::string& component = "");
  // A missing key gives an empty payload (as Spin 1 did).
  Expected<Payload, RedisError> Get(const OutboundHosts& allowed, const std::string& address,
                                    const std::string& key, const std::string& component = "");
  Expected<void, RedisError> Set(const OutboundHosts& allowed, const std::string& address,
                                 const std::string& key, const Payload& value,
                                 const std::string& component = "");
  Expected<int64_t, RedisError> Incr(const OutboundHosts& allowed, const std::string& address,
                                     const std::string& key, const std::string& component = "");
  Expected<int64_t, RedisError> Del(const OutboundHosts& allowed, const std::string& address,
                                    const std::vector<std::string>& keys,
                                    const std::string& component = "");
  Expected<int64_t, RedisError> Sadd(const OutboundHosts& allowed, const std::string& address,
                                     const std::string& key, const std::vector<std::string>& values,
                                     const std::string& component = "");
  Expected<int64_t, RedisError> Srem(const OutboundHosts& allowed, const std::string& address,
                                     const std::string& key, const std::vector<std::string>& values,
                                     const std::string& component = "");
  Expected<std::vector<std::string>, RedisError> Smembers(const OutboundHosts& allowed,
                                                          const std::string& address,
                                                          const std::string& key,
                                                          const std::string& component = "");
  // Any command; an array reply is flattened one level into the result
  // list (as Spin does), nested arrays are an error.
  Expected<std::vector<RedisResult>, RedisError> Execute(
      const OutboundHosts& allowed, const std::string& address, const std::string& command,
      const std::vector<RedisParameter>& arguments, const std::string& component = "");

  struct Pool;   // idle connections of one address; defined in outbound_redis.cc
  struct Reply;  // one hiredis reply; defined in outbound_redis.cc

 private:
  // Checks, connects and runs one command; every failure is logged here.
  Expected<std::unique_ptr<Reply>, RedisError> Run(const OutboundHosts& allowed,
                                                   const std::string& address,
                                                   const std::vector<std::string>& command,
                                                   const std::string& component);

  OutboundRedisOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Pool>> pools_;
};

}  // namespace spindle::services
