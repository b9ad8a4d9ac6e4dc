#include "services/outbound_redis.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include "services/redis_client.h"
#include "services/url.h"

namespace spindle::services {

struct OutboundRedis::Pool {
  explicit Pool(RedisAddress address, const OutboundRedisOptions& options)
      : connections(std::move(address), options.connect_timeout, options.command_timeout,
                    options.max_idle_per_address) {}
  RedisPool connections;
};

struct OutboundRedis::Reply {
  RedisReplyPtr reply;
};

namespace {

std::string Bytes(const Payload& payload) { return std::string(payload.begin(), payload.end()); }

Payload ToPayload(const redisReply* reply) {
  const auto* data = reinterpret_cast<const uint8_t*>(reply->str);
  return Payload(data, data + reply->len);
}

}  // namespace

OutboundRedis::OutboundRedis(OutboundRedisOptions options) : options_(options) {}

OutboundRedis::~OutboundRedis() = default;

Expected<std::unique_ptr<OutboundRedis::Reply>, RedisError> OutboundRedis::Run(
    const OutboundHosts& allowed, const std::string& address,
    const std::vector<std::string>& command, const std::string& component) {
  const std::string who = component.empty() ? "" : "component '" + component + "': ";
  const auto fail = [&](const std::string& reason) {
    spdlog::warn("{}outbound Redis {} on {}: {}", who, command.empty() ? "" : command[0],
                 RedactUserinfo(address), reason);
    return Fail(RedisError::kError);
  };
  const HostCheck check = allowed.Check(address, "redis");
  if (!check.allowed) return fail(check.message);
  std::shared_ptr<Pool> pool;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = pools_.find(address); it != pools_.end()) pool = it->second;
  }
  if (!pool) {
    Result<RedisAddress> parsed = ParseRedisAddress(address);
    if (!parsed.ok()) return fail(parsed.error().message);
    std::lock_guard lock(mutex_);
    auto& slot = pools_[address];
    if (!slot) slot = std::make_shared<Pool>(std::move(*parsed), options_);
    pool = slot;
  }
  Result<RedisReplyPtr> reply = pool->connections.Command(command);
  if (!reply.ok()) return fail(reply.error().message);
  if ((*reply)->type == REDIS_REPLY_ERROR) {
    return fail("Redis replied: " + std::string((*reply)->str, (*reply)->len));
  }
  return std::make_unique<Reply>(Reply{std::move(*reply)});
}

Expected<void, RedisError> OutboundRedis::Publish(const OutboundHosts& allowed,
                                                  const std::string& address,
                                                  const std::string& channel,
                                                  const Payload& payload,
                                                  const std::string& component) {
  auto reply = Run(allowed, address, {"PUBLISH", channel, Bytes(payload)}, component);
  if (!reply.ok()) return Fail(reply.error());
  return {};
}

Expected<Payload, RedisError> OutboundRedis::Get(const OutboundHosts& allowed,
                                                 const std::string& address, const std::string& key,
                                                 const std::string& component) {
  auto reply = Run(allowed, address, {"GET", key}, component);
  if (!reply.ok()) return Fail(reply.error());
  const redisReply* r = (*reply)->reply.get();
  if (r->type == REDIS_REPLY_NIL) return Payload();
  if (r->type != REDIS_REPLY_STRING) {
    spdlog::warn("outbound Redis GET on {}: the value is not a string", RedactUserinfo(address));
    return Fail(RedisError::kError);
  }
  return ToPayload(r);
}

Expected<void, RedisError> OutboundRedis::Set(const OutboundHosts& allowed,
                                              const std::string& address, const std::string& key,
                                              const Payload& value, const std::string& component) {
  auto reply = Run(allowed, address, {"SET", key, Bytes(value)}, component);
  if (!reply.ok()) return Fail(reply.error());
  return {};
}

namespace {

Expected<int64_t, RedisError> ExpectInteger(const redisReply* r, const char* command,
                                            const std::string& address) {
  if (r->type != REDIS_REPLY_INTEGER) {
    spdlog::warn("outbound Redis {} on {}: expected an integer reply", command,
                 RedactUserinfo(address));
    return Fail(RedisError::kError);
  }
  return static_cast<int64_t>(r->integer);
}

}  // namespace

Expected<int64_t, RedisError> OutboundRedis::Incr(const OutboundHosts& allowed,
                                                  const std::string& address,
                                                  const std::string& key,
                                                  const std::string& component) {
  auto reply = Run(allowed, address, {"INCR", key}, component);
  if (!reply.ok()) return Fail(reply.error());
  return ExpectInteger((*reply)->reply.get(), "INCR", address);
}

Expected<int64_t, RedisError> OutboundRedis::Del(const OutboundHosts& allowed,
                                                 const std::string& address,
                                                 const std::vector<std::string>& keys,
                                                 const std::string& component) {
  std::vector<std::string> command = {"DEL"};
  command.insert(command.end(), keys.begin(), keys.end());
  auto reply = Run(allowed, address, command, component);
  if (!reply.ok()) return Fail(reply.error());
  return ExpectInteger((*reply)->reply.get(), "DEL", address);
}

Expected<int64_t, RedisError> OutboundRedis::Sadd(const OutboundHosts& allowed,
                                                  const std::string& address,
                                                  const std::string& key,
                                                  const std::vector<std::string>& values,
                                                  const std::string& component) {
  std::vector<std::string> command = {"SADD", key};
  command.insert(command.end(), values.begin(), values.end());
  auto reply = Run(allowed, address, command, component);
  if (!reply.ok()) return Fail(reply.error());
  return ExpectInteger((*reply)->reply.get(), "SADD", address);
}

Expected<int64_t, RedisError> OutboundRedis::Srem(const OutboundHosts& allowed,
                                                  const std::string& address,
                                                  const std::string& key,
                                                  const std::vector<std::string>& values,
                                                  const std::string& component) {
  std::vector<std::string> command = {"SREM", key};
  command.insert(command.end(), values.begin(), values.end());
  auto reply = Run(allowed, address, command, component);
  if (!reply.ok()) return Fail(reply.error());
  return ExpectInteger((*reply)->reply.get(), "SREM", address);
}

Expected<std::vector<std::string>, RedisError> OutboundRedis::Smembers(
    const OutboundHosts& allowed, const std::string& address, const std::string& key,
    const std::string& component) {
  auto reply = Run(allowed, address, {"SMEMBERS", key}, component);
  if (!reply.ok()) return Fail(reply.error());
  const redisReply* r = (*reply)->reply.get();
  if (r->type != REDIS_REPLY_ARRAY) {
    spdlog::warn("outbound Redis SMEMBERS on {}: expected an array reply", RedactUserinfo(address));
    return Fail(RedisError::kError);
  }
  std::vector<std::string> members;
  for (size_t i = 0; i < r->elements; ++i) {
    const redisReply* element = r->element[i];
    if (element->type != REDIS_REPLY_STRING) continue;
    members.emplace_back(element->str, element->len);
  }
  return members;
}

namespace {

// One reply value; nullopt for a nested array, which the WIT type cannot hold.
std::optional<RedisResult> ToResult(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_NIL:
      return RedisResult(RedisNil{});
    case REDIS_REPLY_STATUS:
      return RedisResult(std::string(r->str, r->len));
    case REDIS_REPLY_INTEGER:
      return RedisResult(static_cast<int64_t>(r->integer));
    case REDIS_REPLY_STRING:
      return RedisResult(ToPayload(r));
    default:
      return std::nullopt;
  }
}

}  // namespace

Expected<std::vector<RedisResult>, RedisError> OutboundRedis::Execute(
    const OutboundHosts& allowed, const std::string& address, const std::string& command,
    const std::vector<RedisParameter>& arguments, const std::string& component) {
  std::vector<std::string> argv = {command};
  for (const RedisParameter& argument : arguments) {
    if (argument.index() == 0) {
      argv.push_back(std::to_string(std::get<0>(argument)));
    } else {
      argv.push_back(Bytes(std::get<1>(argument)));
    }
  }
  auto reply = Run(allowed, address, argv, component);
  if (!reply.ok()) return Fail(reply.error());
  const redisReply* r = (*reply)->reply.get();
  std::vector<RedisResult> results;
  if (r->type != REDIS_REPLY_ARRAY) {
    std::optional<RedisResult> one = ToResult(r);
    if (one) results.push_back(std::move(*one));
    return results;
  }
  for (size_t i = 0; i < r->elements; ++i) {
    std::optional<RedisResult> value = ToResult(r->element[i]);
    if (!value) {
      spdlog::warn("outbound Redis {} on {}: a nested array reply cannot be returned to the guest",
                   command, RedactUserinfo(address));
      return Fail(RedisError::kError);
    }
    results.push_back(std::move(*value));
  }
  return results;
}

}  // namespace spindle::services
