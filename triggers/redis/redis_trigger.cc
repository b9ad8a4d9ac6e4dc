#include "triggers/redis/redis_trigger.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <set>
#include <thread>

#include "engine/embed/call.h"
#include "spin1/guest_abi.h"

namespace spindle::triggers {
namespace {

constexpr char kHandler[] = "handle-redis-message";

size_t DefaultWorkers() {
  const unsigned cores = std::thread::hardware_concurrency();
  return 4 * (cores ? cores : 1);
}

// Calls `handle-redis-message(payload)` and reads its 2-byte
// expected<unit, error> record.
Status RunRedisHandler(Invocation& invocation, const std::string& payload) {
  Instance& instance = *invocation.instance();
  spin1::GuestAbi abi(invocation.store(), instance);
  SPINDLE_ASSIGN_OR_RETURN(uint32_t pointer, abi.Lower(payload));
  const Value args[] = {Value::I32(static_cast<int32_t>(pointer)),
                        Value::I32(static_cast<int32_t>(payload.size()))};
  SPINDLE_ASSIGN_OR_RETURN(auto results,
                           Call(invocation.store(), instance.GetFunction(kHandler), args));
  const uint8_t* record = abi.memory().At(static_cast<uint32_t>(results[0].i32()), 2);
  if (!record) return MakeError(Phase::kRuntime, "the result record is out of bounds");
  if (record[0] != 0) return MakeError(Phase::kRuntime, "the handler returned an error");
  return Ok();
}

}  // namespace

RedisTrigger::RedisTrigger(ComponentHost& host, RedisTriggerOptions options)
    : host_(host), options_(options) {}

RedisTrigger::~RedisTrigger() {
  subscribers_.clear();  // joins their threads: no new messages
  workers_.reset();      // finishes the messages already queued
}

Result<std::unique_ptr<RedisTrigger>> RedisTrigger::Create(ComponentHost& host,
                                                           RedisTriggerOptions options) {
  std::unique_ptr<RedisTrigger> trigger(new RedisTrigger(host, options));
  const app::App& app = host.app();
  for (const app::RedisTrigger& entry : app.redis_triggers) {
    const std::string where = entry.where.ToString() + ": redis trigger '" + entry.id + "'";
    const LoadedComponent* component = host.Find(entry.component);
    if (!component) return MakeError(Phase::kUsage, where + ": no component '" + entry.component + "'");
    std::string missing;
    for (const char* name : {kHandler, spin1::kCanonicalRealloc, spin1::kCanonicalFree, "memory"}) {
      if (!component->module->FindExport(name)) missing += (missing.empty() ? "" : ", ") + std::string(name);
    }
    if (!missing.empty()) {
      return MakeError(Phase::kUsage, where + ": component '" + entry.component +
                                          "' does not export " + missing +
                                          " as a Spin 1 Redis handler must");
    }
    if (entry.address.empty()) {
      return MakeError(Phase::kUsage, where + ": no Redis address (set `address` on the trigger)");
    }
    auto url = host.services().variables().Render(entry.address);
    auto channel = host.services().variables().Render(entry.channel);
    if (!url.ok()) return MakeError(Phase::kUsage, where + ": address: " + url.error().message);
    if (!channel.ok()) return MakeError(Phase::kUsage, where + ": channel: " + channel.error().message);
    auto address = services::ParseRedisAddress(*url);
    if (!address.ok()) return MakeError(Phase::kUsage, where + ": " + address.error().message);
    Server* server = nullptr;
    for (Server& known : trigger->servers_) {
      if (known.url == *url) server = &known;
    }
    if (!server) server = &trigger->servers_.emplace_back(Server{*url, *address, {}});
    server->subscriptions.push_back({*channel, entry.component});
  }
  trigger->workers_ = std::make_unique<WorkerPool>(
      options.workers ? options.workers : DefaultWorkers(), options.queue_capacity);
  return trigger;
}

std::string RedisTrigger::Banner() const {
  std::string text;
  for (const Server& server : servers_) {
    for (const Subscription& subscription : server.subscriptions) {
      text += "Redis: " + subscription.component + " subscribed to '" + subscription.channel +
              "' at " + server.url + "\n";
    }
  }
  return text;
}

void RedisTrigger::Run() {
  for (const Server& server : servers_) {
    std::set<std::string> channels;
    for (const Subscription& subscription : server.subscriptions) channels.insert(subscription.channel);
    auto subscriber = std::make_unique<RedisSubscriber>(
        server.url, server.address, channels,
        [this, &server](const std::string& channel, std::string payload) {
          Dispatch(server, channel, std::move(payload));
        });
    subscriber->Start();
    subscribers_.push_back(std::move(subscriber));
  }
  std::unique_lock<std::mutex> lock(mutex_);
  stopped_.wait(lock, [this] { return stopping_; });
}

void RedisTrigger::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
}

void RedisTrigger::Dispatch(const Server& server, const std::string& channel, std::string payload) {
  for (const Subscription& subscription : server.subscriptions) {
    if (subscription.channel != channel) continue;
    const std::string& component = subscription.component;
    // A full queue holds the subscription back (Redis buffers for us)
    // rather than dropping messages.
    workers_->SubmitWaiting([this, channel, component, payload] { Handle(channel, component, payload); });
  }
}

void RedisTrigger::Handle(const std::string& channel, const std::string& component_id,
                          const std::string& payload) {
  const auto started = std::chrono::steady_clock::now();
  const LoadedComponent& component = *host_.Find(component_id);
  Invocation invocation(host_, component);
  Status status = invocation.Start(host_.GuestStdio(component));
  if (status.ok()) status = RunRedisHandler(invocation, payload);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!status.ok()) {
    spdlog::error("redis {} -> {}: {}", channel, component_id, invocation.Describe(status.error()));
  } else if (!options_.quiet) {
    spdlog::info("redis {} -> {} ({} bytes) {:.2f} ms", channel, component_id, payload.size(), ms);
  }
}

}  // namespace spindle::triggers
