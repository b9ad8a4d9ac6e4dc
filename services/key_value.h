// Key-value stores (Spin 1 `key-value`, spin-compat.md §4.1). A
// KeyValueService owns the backends of one app (SQLite files, in-memory
// SQLite, Redis), opened on first use and shared by all guest instances; a
// KeyValueSession is one guest instance's table of open store handles.
//
// Access rules: a label the component does not list in `key_value_stores`
// is `access-denied` (checked first, so guests cannot probe the runtime
// config); a listed label with no backend is `no-such-store`.
//
// Durability: the SQLite backend runs in WAL mode with synchronous=FULL, so
// a `set` that returned ok survives the process being killed (and power
// loss, as far as the disk honours fsync).
//
// Thread safety: KeyValueService is safe to use from any number of
// threads. A KeyValueSession is safe too (it locks), but is meant for the
// one thread running its guest instance.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/expected.h"
#include "services/runtime_config.h"

namespace spindle::services {

// key-value `error` (spin-compat.md §4.1), in WIT case order. `message` is
// the payload of `io` and empty otherwise.
struct KvError {
  enum class Kind : uint8_t {
    kStoreTableFull = 0,
    kNoSuchStore = 1,
    kAccessDenied = 2,
    kInvalidStore = 3,
    kNoSuchKey = 4,
    kIo = 5,
  };
  Kind kind = Kind::kIo;
  std::string message;
};

// One store's storage, shared by every handle open on its label.
// Implementations are thread safe.
class KeyValueBackend {
 public:
  virtual ~KeyValueBackend() = default;
  // nullopt = no such key.
  virtual Expected<std::optional<std::vector<uint8_t>>, KvError> Get(const std::string& key) = 0;
  virtual Expected<void, KvError> Set(const std::string& key,
                                      const std::vector<uint8_t>& value) = 0;
  // Deleting a missing key is not an error.
  virtual Expected<void, KvError> Delete(const std::string& key) = 0;
  virtual Expected<bool, KvError> Exists(const std::string& key) = 0;
  virtual Expected<std::vector<std::string>, KvError> GetKeys() = 0;
};

class KeyValueService {
 public:
  // Backends come from `config.key_value_stores`; nothing is opened yet.
  explicit KeyValueService(const RuntimeConfig& config);
  ~KeyValueService();
  KeyValueService(const KeyValueService&) = delete;
  KeyValueService& operator=(const KeyValueService&) = delete;

  // The backend of `label`, opened on first use (creating the SQLite file
  // and its directory). `no-such-store` if the label has no backend; `io`
  // if it cannot be opened (the message says why; it is also logged).
  Expected<std::shared_ptr<KeyValueBackend>, KvError> Backend(const std::string& label);

  // True if `label` has a backend configured.
  bool HasStore(const std::string& label) const;

 private:
  struct State;  // configs and open backends; defined in key_value.cc
  std::unique_ptr<State> state_;
};

class KeyValueSession {
 public:
  // Spin's per-instance limit is generous; this one bounds a guest that
  // opens in a loop without closing.
  static constexpr size_t kDefaultMaxHandles = 256;

  // `allowed_labels` is the component's `key_value_stores`.
  KeyValueSession(KeyValueService& service, std::vector<std::string> allowed_labels,
                  size_t max_handles = kDefaultMaxHandles);

  // Handles are small positive integers, never reused within a session.
  Expected<uint32_t, KvError> Open(const std::string& name);
  // A missing key is `no-such-key` (Spin 1 semantics).
  Expected<std::vector<uint8_t>, KvError> Get(uint32_t store, const std::string& key);
  Expected<void, KvError> Set(uint32_t store, const std::string& key,
                              const std::vector<uint8_t>& value);
  Expected<void, KvError> Delete(uint32_t store, const std::string& key);
  Expected<bool, KvError> Exists(uint32_t store, const std::string& key);
  Expected<std::vector<std::string>, KvError> GetKeys(uint32_t store);
  // Closing an unknown handle does nothing (the WIT function has no error).
  void Close(uint32_t store);

 private:
  Expected<std::shared_ptr<KeyValueBackend>, KvError> Find(uint32_t store);

  KeyValueService& service_;
  std::vector<std::string> allowed_labels_;
  size_t max_handles_;
  std::mutex mutex_;
  uint32_t next_handle_ = 1;
  std::map<uint32_t, std::shared_ptr<KeyValueBackend>> handles_;
};

}  // namespace spindle::services
