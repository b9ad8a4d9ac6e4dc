// One subscription connection to a Redis server: SUBSCRIBE to a set of
// channels and hand each message to a callback, reconnecting with backoff
// (100 ms doubling to 5 s) when the server goes away, and logging both.
// Runs on its own thread until Stop().
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>

#include "services/redis_client.h"

namespace spindle::triggers {

using MessageCallback = std::function<void(const std::string& channel, std::string payload)>;

class RedisSubscriber {
 public:
  RedisSubscriber(std::string url, services::RedisAddress address, std::set<std::string> channels,
                  MessageCallback on_message);
  ~RedisSubscriber();  // stops and joins
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  void Start();
  void Stop();

  // Times the subscription was (re)established; for tests and logs.
  int connections() const { return connections_; }

 private:
  void Loop();
  // Connects and subscribes; returns the fd-ready context or null.
  struct redisContext* Connect(std::string& error);
  // Reads messages until the connection fails or Stop().
  void Listen(struct redisContext* context);

  const std::string url_;
  const services::RedisAddress address_;
  const std::set<std::string> channels_;
  const MessageCallback on_message_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace spindle::triggers
