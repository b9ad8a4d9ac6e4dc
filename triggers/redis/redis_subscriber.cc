#include "triggers/redis/redis_subscriber.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

namespace spindle::triggers {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{5000};
constexpr milliseconds kConnectTimeout{5000};
// How often a waiting subscriber looks at the stop flag.
constexpr int kPollMillis = 100;

timeval ToTimeval(milliseconds duration) {
  return {static_cast<time_t>(duration.count() / 1000),
          static_cast<suseconds_t>(duration.count() % 1000 * 1000)};
}

// Runs one command on a blocking context during set-up.
bool Command(redisContext* context, const std::vector<std::string>& argv, std::string& error) {
  std::vector<const char*> pieces;
  std::vector<size_t> lengths;
  for (const std::string& piece : argv) {
    pieces.push_back(piece.data());
    lengths.push_back(piece.size());
  }
  auto* reply = static_cast<redisReply*>(redisCommandArgv(
      context, static_cast<int>(argv.size()), pieces.data(), lengths.data()));
  if (!reply) {
    error = context->errstr;
    return false;
  }
  const bool ok = reply->type != REDIS_REPLY_ERROR;
  if (!ok) error = std::string(reply->str, reply->len);
  freeReplyObject(reply);
  return ok;
}

}  // namespace

RedisSubscriber::RedisSubscriber(std::string url, services::RedisAddress address,
                                 std::set<std::string> channels, MessageCallback on_message)
    : url_(std::move(url)),
      address_(std::move(address)),
      channels_(std::move(channels)),
      on_message_(std::move(on_message)) {}

RedisSubscriber::~RedisSubscriber() {
  Stop();
  if (thread_.joinable()) thread_.join();
}

void RedisSubscriber::Start() { thread_ = std::thread([this] { Loop(); }); }

void RedisSubscriber::Stop() { stopping_ = true; }

redisContext* RedisSubscriber::Connect(std::string& error) {
  const timeval timeout = ToTimeval(kConnectTimeout);
  redisContext* context = redisConnectWithTimeout(address_.host.c_str(), address_.port, timeout);
  if (!context || context->err) {
    error = context ? context->errstr : "out of memory";
    if (context) redisFree(context);
    return nullptr;
  }
  redisSetTimeout(context, timeout);
  std::vector<std::string> auth = {"AUTH"};
  if (!address_.user.empty()) auth.push_back(address_.user);
  auth.push_back(address_.password);
  std::vector<std::string> subscribe = {"SUBSCRIBE"};
  subscribe.insert(subscribe.end(), channels_.begin(), channels_.end());
  if ((!address_.password.empty() && !Command(context, auth, error))) {
    redisFree(context);
    return nullptr;
  }
  // SUBSCRIBE answers once per channel; the first answer is read here and
  // the rest arrive as ordinary replies in Listen.
  if (!Command(context, subscribe, error)) {
    redisFree(context);
    return nullptr;
  }
  return context;
}

void RedisSubscriber::Loop() {
  milliseconds backoff = kFirstBackoff;
  bool was_connected = false;
  while (!stopping_) {
    std::string error;
    redisContext* context = Connect(error);
    if (!context) {
      spdlog::warn("redis trigger: cannot subscribe at {}: {}; retrying in {} ms", url_, error,
                   backoff.count());
      for (milliseconds waited{0}; waited < backoff && !stopping_; waited += milliseconds(kPollMillis)) {
        std::this_thread::sleep_for(milliseconds(kPollMillis));
      }
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    backoff = kFirstBackoff;
    ++connections_;
    std::string channel_list;
    for (const std::string& channel : channels_) {
      channel_list += (channel_list.empty() ? "" : ", ") + channel;
    }
    spdlog::info("redis trigger: {} {} for {}", was_connected ? "resubscribed at" : "subscribed at",
                 url_, channel_list);
    was_connected = true;
    Listen(context);
    redisFree(context);
    if (!stopping_) spdlog::warn("redis trigger: lost the connection to {}; reconnecting", url_);
  }
}

void RedisSubscriber::Listen(redisContext* context) {
  while (!stopping_) {
    // Drain what the reader already holds before waiting on the socket.
    void* raw = nullptr;
    if (redisGetReplyFromReader(context, &raw) != REDIS_OK) return;
    if (!raw) {
      pollfd waiting{context->fd, POLLIN, 0};
      const int ready = poll(&waiting, 1, kPollMillis);
      if (ready < 0 && errno != EINTR) return;
      if (ready <= 0) continue;
      if (redisBufferRead(context) != REDIS_OK) return;
      continue;
    }
    auto* reply = static_cast<redisReply*>(raw);
    // ["message", channel, payload]; subscribe confirmations are skipped.
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
        reply->element[0]->type == REDIS_REPLY_STRING &&
        std::string_view(reply->element[0]->str, reply->element[0]->len) == "message") {
      on_message_(std::string(reply->element[1]->str, reply->element[1]->len),
                  std::string(reply->element[2]->str, reply->element[2]->len));
    }
    freeReplyObject(reply);
  }
}

}  // namespace spindle::triggers
