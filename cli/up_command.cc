#include "cli/up_command.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/app_source.h"
#include "triggers/server/app_server.h"

namespace spindle::cli {
namespace {

namespace fs = std::filesystem;

struct UpOptions {
  std::string from = "spin.toml";
  std::string from_registry;
  bool insecure = false;
  std::string listen;
  std::vector<std::string> env;
  std::string log_dir;
  bool log_dir_given = false;
  bool quiet = false;
  bool direct_mounts = false;
  std::string temp_dir;
  double request_timeout_seconds = 30;
  uint64_t max_memory_mib = 256;
  size_t workers = 0;
  size_t queue = 4096;
  uint64_t max_request_body_mib = 32;
  size_t max_header_bytes = 64 * 1024;
  double header_timeout_seconds = 15;
  std::string bounds = "guard";
  std::string tier = "auto";
  std::string memory_init = "cow";
  std::string cache_dir;
  bool no_cache = false;
  std::string runtime_config_file;
  std::string state_dir;
  std::vector<std::string> key_value_seed;
  std::vector<std::string> sqlite_statements;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "spindle up: error: %s\n", message.c_str());
  return 1;
}

triggers::AppServerOptions ServerOptions(const UpOptions& options) {
  triggers::AppServerOptions server;
  server.listen = options.listen;
  server.env = options.env;
  // An explicitly empty --log-dir turns logs off; none given: Spin's default.
  if (options.log_dir_given) server.log_dir = fs::path(options.log_dir);
  server.quiet = options.quiet;
  server.direct_mounts = options.direct_mounts;
  server.temp_dir = options.temp_dir;
  server.request_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.request_timeout_seconds * 1000));
  server.max_memory_bytes = options.max_memory_mib << 20;
  server.workers = options.workers;
  server.queue = options.queue;
  server.max_request_body_bytes = options.max_request_body_mib << 20;
  server.max_header_bytes = options.max_header_bytes;
  server.header_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.header_timeout_seconds * 1000));
  server.explicit_bounds_checks = options.bounds == "explicit";
  server.tier = *tier::ParseTier(options.tier);
  server.memory_init =
      options.memory_init == "resident" ? MemoryInit::kKeepResident : MemoryInit::kCopyOnWrite;
  server.native.cache_dir = options.cache_dir;
  server.native.use_cache = !options.no_cache;
  // Compile in a child process: LLVM never enters the serving process.
  server.native.compiler_exe = "/proc/self/exe";
  server.runtime_config_file = options.runtime_config_file;
  server.state_dir = options.state_dir;
  server.key_value_seed = options.key_value_seed;
  server.sqlite_statements = options.sqlite_statements;
  return server;
}

int Up(UpOptions options) {
  // Before any thread exists (the epoch ticker starts when components load).
  const sigset_t stop_signals = triggers::BlockStopSignals();

  // stdout carries the banner only; logs go to stderr, as `spin up` does.
  spdlog::set_default_logger(spdlog::stderr_color_mt("spindle"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  if (options.listen.empty()) {
    const char* from_env = std::getenv("SPIN_HTTP_LISTEN_ADDR");
    options.listen = from_env && *from_env ? from_env : "127.0.0.1:3000";
  }
  if (options.runtime_config_file.empty()) {
    if (const char* from_env = std::getenv("RUNTIME_CONFIG_FILE")) options.runtime_config_file = from_env;
  }
  if (!options.log_dir_given) {
    if (const char* from_env = std::getenv("SPIN_LOG_DIR")) {
      options.log_dir = from_env;
      options.log_dir_given = true;
    }
  }

  auto loaded = LoadAppFromSource({options.from, options.from_registry, options.insecure});
  if (!loaded.ok()) return Fail(loaded.error().ToString());
  triggers::AppServerOptions server_options = ServerOptions(options);
  // A pulled or locked app has no state directory (its root is the content
  // cache): no logs unless asked for.
  if (!options.log_dir_given && !loaded->is_manifest) server_options.log_dir = fs::path();
  auto server = triggers::AppServer::Create(std::move(loaded->app), server_options);
  if (!server.ok()) return Fail(server.error().ToString());
  if (Status listening = (*server)->Listen(); !listening.ok()) {
    return Fail(listening.error().ToString());
  }
  std::fputs((*server)->Banner().c_str(), stdout);
  std::fflush(stdout);
  triggers::RunUntilSignal(**server, stop_signals);
  return 0;
}

}  // namespace

void RegisterUpCommand(CLI::App& app) {
  auto options = std::make_shared<UpOptions>();
  CLI::App* up = app.add_subcommand("up", "Serve a Spin application (spin.toml v1 or v2)");
  up->add_option("-f,--from,--file", options->from,
                 "The manifest, a directory that holds spin.toml, a locked app (.json) or a "
                 "registry reference (default: spin.toml)");
  up->add_option("--from-registry", options->from_registry,
                 "Pull this registry reference and serve it");
  up->add_flag("-k,--insecure", options->insecure,
               "Allow plain HTTP to a registry that is not on loopback");
  up->add_option("--listen", options->listen,
                 "Address to serve on (default 127.0.0.1:3000, or $SPIN_HTTP_LISTEN_ADDR)");
  up->add_option("-e,--env", options->env, "An environment variable for every component (KEY=VALUE)")
      ->allow_extra_args(false);
  up->add_option_function<std::string>(
      "-L,--log-dir",
      [options](const std::string& dir) {
        options->log_dir = dir;
        options->log_dir_given = true;
      },
      "Where components' stdout and stderr go (default .spin/logs; \"\" for none)");
  up->add_flag("-q,--quiet", options->quiet, "No request log lines");
  up->add_flag("--direct-mounts", options->direct_mounts,
               "Pre-open `files` directories where they are instead of copying them");
  up->add_option("--temp,--tmp", options->temp_dir, "Where component files are copied");
  up->add_option("--request-timeout", options->request_timeout_seconds,
                 "Seconds a request may run before it is stopped with a 500 (default 30)");
  up->add_option("--max-memory", options->max_memory_mib,
                 "MiB of linear memory each request's instance may use (default 256)");
  up->add_option("--workers", options->workers,
                 "Threads that run guests (default four per core)");
  up->add_option("--queue", options->queue,
                 "Requests that may wait for a worker before new ones get 503 (default 4096)");
  up->add_option("--max-request-body", options->max_request_body_mib,
                 "Largest request body in MiB (default 32); larger ones get 413");
  up->add_option("--max-header-bytes", options->max_header_bytes,
                 "Largest request header block (default 65536); larger ones get 431");
  up->add_option("--header-timeout", options->header_timeout_seconds,
                 "Seconds a client may take to send a request header (default 15)");
  up->add_option("--runtime-config-file", options->runtime_config_file,
                 "Key-value stores, SQLite databases and variables providers "
                 "(default: none, or $RUNTIME_CONFIG_FILE)");
  up->add_option("--state-dir", options->state_dir,
                 "Where the default key-value store and SQLite database live (default .spin)");
  up->add_option("--key-value", options->key_value_seed,
                 "Set KEY=VALUE in the default key-value store before serving (repeatable)")
      ->allow_extra_args(false);
  up->add_option("--sqlite", options->sqlite_statements,
                 "Run SQL (or @FILE) against the default SQLite database before serving "
                 "(repeatable)")
      ->allow_extra_args(false);
  up->add_option("--tier", options->tier,
                 "Engine tier: interp, llvm (native code before serving) or auto (serve on the "
                 "interpreter, switch to native code when compiled)")
      ->check(CLI::IsMember({"interp", "llvm", "auto"}))
      ->envname("SPINDLE_TIER")
      ->capture_default_str();
  up->add_option("--memory-init", options->memory_init,
                 "How a reused memory gets its data back: cow (map the module's data image "
                 "copy-on-write) or resident (copy it; no page faults or TLB shootdowns, "
                 "better with many threads)")
      ->check(CLI::IsMember({"cow", "resident"}))
      ->capture_default_str();
  up->add_option("--cache-dir", options->cache_dir,
                 "Native code cache (default $SPINDLE_CACHE_DIR, else ~/.cache/spindle/native)");
  up->add_flag("--no-cache", options->no_cache, "Neither read nor write the native code cache");
  up->add_option("--bounds", options->bounds, "Memory bounds checks: guard or explicit")
      ->check(CLI::IsMember({"guard", "explicit"}));
  up->callback([options] { std::exit(Up(*options)); });
}

}  // namespace spindle::cli
