// The Redis trigger (spin-compat.md §4.4): every component subscribed to a
// channel gets each message published there, on a fresh instance, under the
// same time and memory limits as HTTP requests, through the Spin 1 export
// `handle-redis-message`. One subscription connection per server address.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "triggers/common/component_host.h"
#include "triggers/common/worker_pool.h"
#include "triggers/redis/redis_subscriber.h"

namespace spindle::triggers {

struct RedisTriggerOptions {
  size_t workers = 0;            // 0: four per core
  size_t queue_capacity = 4096;  // messages waiting for a worker; beyond, reading pauses
  bool quiet = false;            // no per-message log lines
};

class RedisTrigger {
 public:
  // Resolves channel templates and addresses and checks that every
  // subscribed component exports the Redis handler. Does not connect yet.
  static Result<std::unique_ptr<RedisTrigger>> Create(ComponentHost& host,
                                                      RedisTriggerOptions options);
  ~RedisTrigger();

  // "Subscribed to ..." lines for the banner.
  std::string Banner() const;
  // Subscribes and handles messages until Stop().
  void Run();
  void Stop();

 private:
  struct Subscription {
    std::string channel;
    std::string component;
  };
  struct Server {
    std::string url;
    services::RedisAddress address;
    std::vector<Subscription> subscriptions;
  };

  RedisTrigger(ComponentHost& host, RedisTriggerOptions options);
  void Dispatch(const Server& server, const std::string& channel, std::string payload);
  void Handle(const std::string& channel, const std::string& component_id,
              const std::string& payload);

  ComponentHost& host_;
  RedisTriggerOptions options_;
  std::vector<Server> servers_;
  std::unique_ptr<WorkerPool> workers_;
  std::vector<std::unique_ptr<RedisSubscriber>> subscribers_;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
};

}  // namespace spindle::triggers
