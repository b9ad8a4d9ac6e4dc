#include "services/redis_client.h"

#include <hiredis/hiredis.h>

#include <charconv>

#include "services/url.h"

namespace spindle::services {
namespace {

Error Bad(std::string_view url, const std::string& reason) {
  return MakeError(Phase::kUsage, "Redis address '" + std::string(url) + "': " + reason);
}

timeval ToTimeval(std::chrono::milliseconds duration) {
  timeval out;
  out.tv_sec = static_cast<time_t>(duration.count() / 1000);
  out.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return out;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr ==
            text.data() + i + 3) {
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

void ReplyDeleter::operator()(redisReply* reply) const { freeReplyObject(reply); }

Result<RedisAddress> ParseRedisAddress(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return Bad(url, "expected redis://host[:port][/db]");
  const std::string scheme = Lowercase(url.substr(0, sep));
  if (scheme == "rediss") return Bad(url, "TLS (rediss://) is not supported by Spindle");
  if (scheme != "redis") return Bad(url, "the scheme must be redis://");
  Result<UrlTarget> target = ParseUrlTarget(url, "");
  if (!target.ok()) return Bad(url, target.error().message);
  RedisAddress out;
  out.host = target->host;
  out.port = target->port;
  std::string_view rest = url.substr(sep + 3);
  const size_t path_begin = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_begin);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    // "user:password@" or ":password@"; a lone "secret@" is taken as a
    // password, since AUTH with a user name alone is meaningless.
    const size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      out.password = PercentDecode(userinfo);
    } else {
      out.user = PercentDecode(userinfo.substr(0, colon));
      out.password = PercentDecode(userinfo.substr(colon + 1));
    }
  }
  if (path_begin != std::string_view::npos && rest[path_begin] == '/') {
    std::string_view path = rest.substr(path_begin + 1);
    path = path.substr(0, path.find_first_of("?#"));
    if (!path.empty()) {
      const auto [end, error] =
          std::from_chars(path.data(), path.data() + path.size(), out.database);
      if (error != std::errc() || end != path.data() + path.size() || out.database < 0) {
        return Bad(url, "the path must be a database number");
      }
    }
  }
  return out;
}

RedisPool::RedisPool(RedisAddress address, std::chrono::milliseconds connect_timeout,
                     std::chrono::milliseconds command_timeout, size_t max_idle)
    : address_(std::move(address)),
      connect_timeout_(connect_timeout),
      command_timeout_(command_timeout),
      max_idle_(max_idle) {}

RedisPool::~RedisPool() {
  for (redisContext* context : idle_) redisFree(context);
}

Result<redisContext*> RedisPool::Connect() {
  redisContext* context =
      redisConnectWithTimeout(address_.host.c_str(), address_.port, ToTimeval(connect_timeout_));
  const std::string where = address_.host + ":" + std::to_string(address_.port);
  if (!context) return MakeError(Phase::kIo, where + ": cannot allocate a Redis connection");
  if (context->err) {
    const std::string reason = context->errstr;
    redisFree(context);
    return MakeError(Phase::kIo, where + ": cannot connect: " + reason);
  }
  redisSetTimeout(context, ToTimeval(command_timeout_));
  std::vector<std::vector<std::string>> setup;
  if (!address_.password.empty()) {
    if (address_.user.empty()) {
      setup.push_back({"AUTH", address_.password});
    } else {
      setup.push_back({"AUTH", address_.user, address_.password});
    }
  }
  if (address_.database != 0) setup.push_back({"SELECT", std::to_string(address_.database)});
  for (const std::vector<std::string>& command : setup) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    RedisReplyPtr reply(static_cast<redisReply*>(
        redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
      // Never echo AUTH's arguments.
      const std::string reason =
          !reply ? std::string(context->errstr) : std::string(reply->str, reply->len);
      redisFree(context);
      return MakeError(Phase::kIo, where + ": " + command[0] + " failed: " + reason);
    }
  }
  return context;
}

void RedisPool::Release(redisContext* context) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) {
    idle_.push_back(context);
    return;
  }
  redisFree(context);
}

Result<RedisReplyPtr> RedisPool::Command(const std::vector<std::string>& command) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : command) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisContext* context = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      context = idle_.back();
      idle_.pop_back();
    }
  }
  if (context) {
    RedisReplyPtr reply(static_cast<redisReply*>(
        redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
    if (reply) {
      Release(context);
      return reply;
    }
    // An idle connection the server has closed (restart, timeout, CLIENT
    // KILL) fails with EOF before the command was read; one retry on a new
    // connection hides that. Other failures are reported.
    const bool closed_while_idle = context->err == REDIS_ERR_EOF;
    const std::string reason = context->errstr;
    redisFree(context);
    if (!closed_while_idle) {
      return MakeError(Phase::kIo, address_.host + ":" + std::to_string(address_.port) +
                                       ": Redis I/O error: " + reason);
    }
  }
  SPINDLE_ASSIGN_OR_RETURN(context, Connect());
  RedisReplyPtr reply(static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  if (!reply) {
    const std::string reason = context->errstr;
    redisFree(context);
    return MakeError(Phase::kIo, address_.host + ":" + std::to_string(address_.port) +
                                     ": Redis I/O error: " + reason);
  }
  Release(context);
  return reply;
}

}  // namespace spindle::services
