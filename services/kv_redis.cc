// The `redis` key-value backend: each key is a Redis string key of the
// same name, as in Spin's redis store.
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <set>

#include "services/kv_backends.h"
#include "services/redis_client.h"

namespace spindle::services {
namespace {

constexpr std::chrono::milliseconds kConnectTimeout{5'000};
constexpr std::chrono::milliseconds kCommandTimeout{10'000};
constexpr size_t kMaxIdle = 16;

// The guest sees io(message); the operator sees it in the log.
KvError Io(const std::string& message) {
  spdlog::warn("key-value store (Redis): {}", message);
  return KvError{KvError::Kind::kIo, message};
}

class RedisKvBackend final : public KeyValueBackend {
 public:
  explicit RedisKvBackend(RedisAddress address)
      : pool_(std::move(address), kConnectTimeout, kCommandTimeout, kMaxIdle) {}

  Expected<std::optional<std::vector<uint8_t>>, KvError> Get(const std::string& key) override {
    Result<RedisReplyPtr> reply = Run({"GET", key});
    if (!reply.ok()) return Fail(Io(reply.error().message));
    if ((*reply)->type == REDIS_REPLY_NIL) return std::optional<std::vector<uint8_t>>();
    if ((*reply)->type != REDIS_REPLY_STRING) return Fail(Io("GET: unexpected reply type"));
    const auto* data = reinterpret_cast<const uint8_t*>((*reply)->str);
    return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>(data, data + (*reply)->len));
  }

  Expected<void, KvError> Set(const std::string& key, const std::vector<uint8_t>& value) override {
    Result<RedisReplyPtr> reply = Run({"SET", key, std::string(value.begin(), value.end())});
    if (!reply.ok()) return Fail(Io(reply.error().message));
    return {};
  }

  Expected<void, KvError> Delete(const std::string& key) override {
    Result<RedisReplyPtr> reply = Run({"DEL", key});
    if (!reply.ok()) return Fail(Io(reply.error().message));
    return {};
  }

  Expected<bool, KvError> Exists(const std::string& key) override {
    Result<RedisReplyPtr> reply = Run({"EXISTS", key});
    if (!reply.ok()) return Fail(Io(reply.error().message));
    if ((*reply)->type != REDIS_REPLY_INTEGER) return Fail(Io("EXISTS: unexpected reply type"));
    return (*reply)->integer > 0;
  }

  // SCAN rather than KEYS: it does not block the server on a large database.
  Expected<std::vector<std::string>, KvError> GetKeys() override {
    // SCAN may return a key more than once; a set removes the repeats.
    std::set<std::string> keys;
    std::string cursor = "0";
    do {
      Result<RedisReplyPtr> reply = Run({"SCAN", cursor, "COUNT", "1000"});
      if (!reply.ok()) return Fail(Io(reply.error().message));
      const redisReply* r = reply->get();
      if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
          r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY) {
        return Fail(Io("SCAN: unexpected reply"));
      }
      cursor.assign(r->element[0]->str, r->element[0]->len);
      const redisReply* batch = r->element[1];
      for (size_t i = 0; i < batch->elements; ++i) {
        keys.emplace(batch->element[i]->str, batch->element[i]->len);
      }
    } while (cursor != "0");
    return std::vector<std::string>(keys.begin(), keys.end());
  }

 private:
  // A Redis error reply becomes an Error too: every KV command expects success.
  Result<RedisReplyPtr> Run(const std::vector<std::string>& command) {
    Result<RedisReplyPtr> reply = pool_.Command(command);
    if (reply.ok() && (*reply)->type == REDIS_REPLY_ERROR) {
      return MakeError(Phase::kIo, command[0] + ": " + std::string((*reply)->str, (*reply)->len));
    }
    return reply;
  }

  RedisPool pool_;
};

}  // namespace

Result<std::shared_ptr<KeyValueBackend>> MakeRedisKvBackend(const std::string& url) {
  SPINDLE_ASSIGN_OR_RETURN(RedisAddress address, ParseRedisAddress(url));
  return std::shared_ptr<KeyValueBackend>(std::make_shared<RedisKvBackend>(std::move(address)));
}

}  // namespace spindle::services
