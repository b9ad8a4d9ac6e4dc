// Serving one Spin application: load the manifest and the runtime config,
// compile and link its components (ComponentHost), build its HTTP and Redis
// triggers, listen, and run until stopped. `spindle up` and the containerd shim both serve apps this
// way; each adds only its own way of finding the app and of being stopped.
//
// Thread safety: Stop may be called from any thread (a signal waiter); the
// other methods belong to the thread that created the server.
#pragma once

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"
#include "engine/tier/native_cache.h"
#include "engine/tier/tier.h"

namespace spindle::triggers {

class ComponentHost;
class HttpTrigger;
class RedisTrigger;

struct AppServerOptions {
  std::string listen = "127.0.0.1:3000";
  std::vector<std::string> env;  // KEY=VALUE for every component
  // Where component stdout/stderr go: nullopt means Spin's default,
  // <app root>/.spin/logs; an empty path means no log files.
  std::optional<std::filesystem::path> log_dir;
  // With no log files, send guest stdout/stderr to this process's own
  // stdout/stderr (the shim's container log) instead of dropping them.
  bool guest_stdio_to_process = false;
  bool quiet = false;                    // no request log lines
  bool direct_mounts = false;            // pre-open `files` directories in place
  std::filesystem::path temp_dir;        // empty: a private directory, removed at the end
  std::chrono::milliseconds request_timeout{30000};
  uint64_t max_memory_bytes = 256ull << 20;
  size_t workers = 0;                    // 0: four per core
  size_t queue = 4096;
  uint64_t max_request_body_bytes = 32ull << 20;
  size_t max_header_bytes = 64 * 1024;
  std::chrono::milliseconds header_timeout{15000};
  bool explicit_bounds_checks = false;
  MemoryInit memory_init = MemoryInit::kCopyOnWrite;
  tier::Tier tier = tier::Tier::kInterp;  // `spindle up` defaults to auto
  tier::NativeOptions native;
  // runtime-config.toml (key-value stores, SQLite databases, variables
  // providers); empty: Spin's defaults.
  std::filesystem::path runtime_config_file;
  std::filesystem::path state_dir;  // empty: the file's, else <app root>/.spin
  // Before the first request: KEY=VALUE entries set in the key-value store
  // "default", and SQL (or "@file") run against the database "default".
  std::vector<std::string> key_value_seed;
  std::vector<std::string> sqlite_statements;
};

class AppServer {
 public:
  // Loads `app` (already parsed) and prepares every component and the HTTP
  // trigger; does not listen yet. Errors name the manifest and the reason.
  static Result<std::unique_ptr<AppServer>> Create(app::App app, AppServerOptions options);
  // The same for a spin.toml, or a directory that holds one.
  static Result<std::unique_ptr<AppServer>> Load(const std::filesystem::path& manifest,
                                                 AppServerOptions options);
  ~AppServer();
  AppServer(const AppServer&) = delete;
  AppServer& operator=(const AppServer&) = delete;

  // Binds the listener (the calling thread's network namespace).
  Status Listen();
  std::string local_address() const;
  // "Serving http://..." and the route list, as `spin up` prints them.
  std::string Banner() const;
  // Serves until Stop(); returns once in-flight work has ended.
  void Run();
  void Stop();

 private:
  AppServer(app::App app, AppServerOptions options);
  Status Prepare();

  app::App app_;
  AppServerOptions options_;
  std::filesystem::path own_temp_dir_;
  std::unique_ptr<ComponentHost> host_;
  std::unique_ptr<HttpTrigger> trigger_;        // null without HTTP triggers
  std::unique_ptr<RedisTrigger> redis_trigger_;  // null without Redis triggers
};

// Blocks SIGINT and SIGTERM in the calling thread and returns them. Call it
// before any thread exists, so every thread inherits the mask and none dies
// of the default action; RunUntilSignal then takes them with sigwait.
sigset_t BlockStopSignals();

// Runs `server` until SIGINT or SIGTERM arrives (then stops it gracefully)
// or the server ends by itself. Returns the signal, or 0.
int RunUntilSignal(AppServer& server, const sigset_t& stop_signals);

}  // namespace spindle::triggers
