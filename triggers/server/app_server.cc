#include "triggers/server/app_server.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <atomic>
#include <system_error>
#include <thread>
#include <utility>

#include "app/manifest.h"
#include "triggers/common/component_host.h"
#include "services/runtime_config.h"
#include "services/startup_seed.h"
#include "triggers/http/http_trigger.h"
#include "triggers/redis/redis_trigger.h"

namespace spindle::triggers {

namespace fs = std::filesystem;

AppServer::AppServer(app::App app, AppServerOptions options)
    : app_(std::move(app)), options_(std::move(options)) {}

AppServer::~AppServer() {
  // The trigger uses the host, and the host's staged files live in the
  // temporary directory: tear down in that order.
  trigger_.reset();
  redis_trigger_.reset();
  host_.reset();
  if (!own_temp_dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(own_temp_dir_, ignored);
  }
}

Result<std::unique_ptr<AppServer>> AppServer::Load(const fs::path& manifest,
                                                   AppServerOptions options) {
  auto app = app::LoadManifest(manifest);
  if (!app.ok()) return std::move(app).error();
  return Create(std::move(app).value(), std::move(options));
}

Result<std::unique_ptr<AppServer>> AppServer::Create(app::App app, AppServerOptions options) {
  std::unique_ptr<AppServer> server(new AppServer(std::move(app), std::move(options)));
  SPINDLE_TRY(server->Prepare());
  return server;
}

Status AppServer::Prepare() {
  const std::string manifest = app_.manifest_path.string();
  if (app_.http_triggers.empty() && app_.redis_triggers.empty()) {
    return MakeError(Phase::kUsage, manifest + ": no HTTP or Redis triggers");
  }

  HostOptions host_options;
  host_options.request_timeout = options_.request_timeout;
  host_options.max_memory_bytes = options_.max_memory_bytes;
  host_options.extra_env = options_.env;
  host_options.direct_mounts = options_.direct_mounts;
  host_options.guest_stdio_to_process = options_.guest_stdio_to_process;
  host_options.tier = options_.tier;
  host_options.memory_init = options_.memory_init;
  host_options.native = options_.native;
  host_options.bounds_checks =
      options_.explicit_bounds_checks ? BoundsChecks::kExplicit : BoundsChecks::kGuardPages;
  // Spin keeps logs under the state directory, .spin/ next to spin.toml.
  host_options.log_dir = options_.log_dir ? *options_.log_dir : app_.root / ".spin" / "logs";
  if (options_.temp_dir.empty()) {
    std::string pattern = (fs::temp_directory_path() / "spindle-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      return MakeError(Phase::kIo, "cannot create a temporary directory under " +
                                       fs::temp_directory_path().string());
    }
    own_temp_dir_ = pattern;
    host_options.staging_dir = own_temp_dir_;
  } else {
    host_options.staging_dir = options_.temp_dir;
  }

  std::optional<fs::path> state_dir;
  if (!options_.state_dir.empty()) state_dir = fs::absolute(options_.state_dir);
  if (!options_.runtime_config_file.empty()) {
    auto config = services::LoadRuntimeConfig(fs::absolute(options_.runtime_config_file),
                                              app_.root, state_dir);
    if (!config.ok()) return std::move(config).error();
    host_options.runtime_config = std::move(config).value();
  } else {
    host_options.runtime_config = services::DefaultRuntimeConfig(app_.root, state_dir);
  }
  if (!options_.log_dir && host_options.runtime_config->log_dir) {
    host_options.log_dir = *host_options.runtime_config->log_dir;
  }
  host_options.services.self_origin = "http://" + options_.listen;

  auto host = ComponentHost::Load(app_, host_options);
  if (!host.ok()) return std::move(host).error();
  host_ = std::move(host).value();
  if (!options_.key_value_seed.empty()) {
    SPINDLE_TRY(services::SeedKeyValue(host_->services().key_value(), "default",
                                       options_.key_value_seed));
  }
  std::error_code ignored;  // no working directory: "@file" must then be absolute
  const fs::path working_dir = fs::current_path(ignored);
  for (const std::string& sql : options_.sqlite_statements) {
    SPINDLE_TRY(services::RunStartupSql(host_->services().sqlite(), "default", sql, working_dir));
  }

  if (!app_.redis_triggers.empty()) {
    RedisTriggerOptions redis_options;
    redis_options.workers = options_.workers;
    redis_options.queue_capacity = options_.queue;
    redis_options.quiet = options_.quiet;
    auto redis = RedisTrigger::Create(*host_, redis_options);
    if (!redis.ok()) return std::move(redis).error();
    redis_trigger_ = std::move(redis).value();
  }
  if (app_.http_triggers.empty()) return Ok();

  HttpTriggerOptions http_options;
  http_options.listen = options_.listen;
  http_options.workers = options_.workers;
  http_options.queue_capacity = options_.queue;
  http_options.quiet = options_.quiet;
  http_options.limits.max_body_bytes = options_.max_request_body_bytes;
  http_options.limits.max_header_bytes = options_.max_header_bytes;
  http_options.limits.header_timeout = options_.header_timeout;
  auto trigger = HttpTrigger::Create(*host_, http_options);
  if (!trigger.ok()) return std::move(trigger).error();
  trigger_ = std::move(trigger).value();
  return Ok();
}

Status AppServer::Listen() { return trigger_ ? trigger_->Listen() : Ok(); }

std::string AppServer::local_address() const { return trigger_ ? trigger_->local_address() : ""; }

std::string AppServer::Banner() const {
  return (trigger_ ? trigger_->Banner() : "") + (redis_trigger_ ? redis_trigger_->Banner() : "");
}

void AppServer::Run() {
  if (!trigger_) return redis_trigger_->Run();
  if (!redis_trigger_) return trigger_->Run();
  // Both: the Redis trigger waits on its own thread.
  std::thread redis([this] { redis_trigger_->Run(); });
  trigger_->Run();
  redis_trigger_->Stop();
  redis.join();
}

void AppServer::Stop() {
  if (trigger_) trigger_->Stop();
  if (redis_trigger_) redis_trigger_->Stop();
}

sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int RunUntilSignal(AppServer& server, const sigset_t& stop_signals) {
  std::atomic<bool> run_ended{false};
  int stopped_by = 0;
  std::thread waiter([&] {
    int received = 0;
    sigwait(&stop_signals, &received);
    if (run_ended) return;
    stopped_by = received;
    spdlog::info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
    server.Stop();
  });
  server.Run();
  // Run ended without a signal (e.g. the server failed): wake the waiter
  // with a signal it waits for.
  run_ended = true;
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return stopped_by;
}

}  // namespace spindle::triggers
