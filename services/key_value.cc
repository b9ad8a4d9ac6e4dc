#include "services/key_value.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "services/kv_backends.h"

namespace spindle::services {
namespace {

KvError Kind(KvError::Kind kind) { return KvError{kind, ""}; }

}  // namespace

struct KeyValueService::State {
  std::map<std::string, KeyValueStoreConfig> configs;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<KeyValueBackend>> open;
  // Labels configured with the same file share one connection to it.
  std::map<std::string, std::shared_ptr<SqliteKvFile>> files;
};

KeyValueService::KeyValueService(const RuntimeConfig& config) : state_(std::make_unique<State>()) {
  state_->configs = config.key_value_stores;
}

KeyValueService::~KeyValueService() = default;

bool KeyValueService::HasStore(const std::string& label) const {
  return state_->configs.count(label) > 0;
}

Expected<std::shared_ptr<KeyValueBackend>, KvError> KeyValueService::Backend(
    const std::string& label) {
  const auto config = state_->configs.find(label);
  if (config == state_->configs.end()) return Fail(Kind(KvError::Kind::kNoSuchStore));
  // Opening happens under the lock so two first users cannot open twice;
  // it is rare (once per label) and fast (a local file or one connection).
  std::lock_guard lock(state_->mutex);
  if (const auto it = state_->open.find(label); it != state_->open.end()) return it->second;
  std::shared_ptr<KeyValueBackend> backend;
  if (config->second.type == KeyValueStoreConfig::Type::kRedis) {
    Result<std::shared_ptr<KeyValueBackend>> made = MakeRedisKvBackend(config->second.url);
    if (!made.ok()) {
      spdlog::error("key-value store '{}': {}", label, made.error().message);
      return Fail(KvError{KvError::Kind::kIo, made.error().message});
    }
    backend = std::move(*made);
  } else {
    const std::string path = config->second.path ? config->second.path->string() : "";
    std::shared_ptr<SqliteKvFile> file;
    if (!path.empty()) {
      if (const auto it = state_->files.find(path); it != state_->files.end()) file = it->second;
    }
    if (!file) {
      Result<std::shared_ptr<SqliteKvFile>> opened = OpenSqliteKvFile(path);
      if (!opened.ok()) {
        spdlog::error("key-value store '{}': {}", label, opened.error().message);
        return Fail(KvError{KvError::Kind::kIo, opened.error().message});
      }
      file = std::move(*opened);
      if (!path.empty()) state_->files[path] = file;
    }
    backend = MakeSqliteKvBackend(std::move(file), label);
  }
  state_->open[label] = backend;
  return backend;
}

KeyValueSession::KeyValueSession(KeyValueService& service, std::vector<std::string> allowed_labels,
                                 size_t max_handles)
    : service_(service), allowed_labels_(std::move(allowed_labels)), max_handles_(max_handles) {}

Expected<uint32_t, KvError> KeyValueSession::Open(const std::string& name) {
  if (std::find(allowed_labels_.begin(), allowed_labels_.end(), name) == allowed_labels_.end()) {
    return Fail(Kind(KvError::Kind::kAccessDenied));
  }
  {
    std::lock_guard lock(mutex_);
    if (handles_.size() >= max_handles_) return Fail(Kind(KvError::Kind::kStoreTableFull));
  }
  Expected<std::shared_ptr<KeyValueBackend>, KvError> backend = service_.Backend(name);
  if (!backend.ok()) return Fail(std::move(backend).error());
  std::lock_guard lock(mutex_);
  if (handles_.size() >= max_handles_) return Fail(Kind(KvError::Kind::kStoreTableFull));
  const uint32_t handle = next_handle_++;
  handles_[handle] = std::move(*backend);
  return handle;
}

Expected<std::shared_ptr<KeyValueBackend>, KvError> KeyValueSession::Find(uint32_t store) {
  std::lock_guard lock(mutex_);
  const auto it = handles_.find(store);
  if (it == handles_.end()) return Fail(Kind(KvError::Kind::kInvalidStore));
  return it->second;
}

Expected<std::vector<uint8_t>, KvError> KeyValueSession::Get(uint32_t store,
                                                             const std::string& key) {
  Expected<std::shared_ptr<KeyValueBackend>, KvError> backend = Find(store);
  if (!backend.ok()) return Fail(std::move(backend).error());
  Expected<std::optional<std::vector<uint8_t>>, KvError> value = (*backend)->Get(key);
  if (!value.ok()) return Fail(std::move(value).error());
  if (!value->has_value()) return Fail(Kind(KvError::Kind::kNoSuchKey));
  return std::move(**value);
}

Expected<void, KvError> KeyValueSession::Set(uint32_t store, const std::string& key,
                                             const std::vector<uint8_t>& value) {
  Expected<std::shared_ptr<KeyValueBackend>, KvError> backend = Find(store);
  if (!backend.ok()) return Fail(std::move(backend).error());
  return (*backend)->Set(key, value);
}

Expected<void, KvError> KeyValueSession::Delete(uint32_t store, const std::string& key) {
  Expected<std::shared_ptr<KeyValueBackend>, KvError> backend = Find(store);
  if (!backend.ok()) return Fail(std::move(backend).error());
  return (*backend)->Delete(key);
}

Expected<bool, KvError> KeyValueSession::Exists(uint32_t store, const std::string& key) {
  Expected<std::shared_ptr<KeyValueBackend>, KvError> backend = Find(store);
  if (!backend.ok()) return Fail(std::move(backend).error());
  return (*backend)->Exists(key);
}

Expected<std::vector<std::string>, KvError> KeyValueSession::GetKeys(uint32_t store) {
  Expected<std::shared_ptr<KeyValueBackend>, KvError> backend = Find(store);
  if (!backend.ok()) return Fail(std::move(backend).error());
  return (*backend)->GetKeys();
}

void KeyValueSession::Close(uint32_t store) {
  std::lock_guard lock(mutex_);
  handles_.erase(store);
}

}  // namespace spindle::services
