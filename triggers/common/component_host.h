// Loads an application's components once, at startup: compiles and
// validates every module, links the host imports (WASI and the Spin 1 host
// services), stages the component's files, and prepares an InstancePre.
// Then creates one fresh, limited instance per request or message
// (Invocation). Shared by every trigger.
//
// Thread safety: after Load, ComponentHost is read-only and shared by all
// worker threads; each Invocation belongs to one thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/app.h"
#include "engine/embed/linker.h"
#include "engine/tier/background_compiler.h"
#include "engine/tier/tier.h"
#include "services/app_services.h"
#include "spin1/instance_context.h"
#include "triggers/common/epoch_ticker.h"
#include "wasi/wasi_context.h"

namespace spindle::triggers {

struct HostOptions {
  std::chrono::milliseconds request_timeout{30000};
  uint64_t max_memory_bytes = 256ull << 20;  // per instance
  std::vector<std::string> extra_env;        // `-e KEY=VALUE` for every component
  std::filesystem::path staging_dir;         // where component files are copied
  bool direct_mounts = false;                // pre-open directories in place instead
  std::filesystem::path log_dir;             // "<id>_stdout.txt", "<id>_stderr.txt"; empty: none
  bool guest_stdio_to_process = false;       // no log_dir: guests write to our fds 1 and 2
  BoundsChecks bounds_checks = BoundsChecks::kGuardPages;
  // How a pooled memory gets its data segments back (engine/rt/engine.h).
  MemoryInit memory_init = MemoryInit::kCopyOnWrite;
  // Backends of key-value stores and SQLite databases, variables providers;
  // nullopt: Spin's defaults under <app root>/.spin.
  std::optional<services::RuntimeConfig> runtime_config;
  services::AppServicesOptions services;
  // interp: never compile; llvm: every component has native code before
  // Load returns; auto: compile in the background, switch when ready.
  tier::Tier tier = tier::Tier::kInterp;
  tier::NativeOptions native;  // cache and compiler process
};

struct LoadedComponent {
  const app::Component* manifest = nullptr;
  std::shared_ptr<CompiledModule> module;
  std::shared_ptr<InstancePre> pre;
  std::vector<wasi::Preopen> preopens;  // the staged files, read-only
  std::vector<std::string> env;         // KEY=VALUE
  int stdout_log = -1;                  // append-only log files, or -1
  int stderr_log = -1;
};

class ComponentHost {
 public:
  static Result<std::unique_ptr<ComponentHost>> Load(const app::App& app, HostOptions options);
  ~ComponentHost();
  ComponentHost(const ComponentHost&) = delete;
  ComponentHost& operator=(const ComponentHost&) = delete;

  Engine& engine() { return *engine_; }
  services::AppServices& services() { return *services_; }
  const HostOptions& options() const { return options_; }
  const app::App& app() const { return app_; }
  const LoadedComponent* Find(const std::string& id) const;
  // Waits for background compiles to finish (tests and benchmarks).
  void WaitForNativeCode();
  // WASI stdio for a non-CGI guest: no stdin, stdout and stderr to the
  // component's log files (or nowhere).
  wasi::WasiOptions GuestStdio(const LoadedComponent& component) const;

 private:
  ComponentHost(const app::App& app, HostOptions options);
  Status LoadComponent(const app::Component& component);
  Status StageFiles(const app::Component& component, LoadedComponent& loaded);

  const app::App& app_;
  HostOptions options_;
  std::unique_ptr<services::AppServices> services_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Linker> linker_;
  std::unordered_map<std::string, LoadedComponent> components_;
  std::unique_ptr<EpochTicker> ticker_;
  std::unique_ptr<tier::BackgroundCompiler> background_compiler_;

  Status StartNativeTier();
};

// State a guest's host calls find through the store: its WASI context, and
// its Spin services, made on the first call that needs them (most requests
// never do).
struct InvocationState {
  std::unique_ptr<wasi::WasiContext> wasi;
  services::AppServices* app_services = nullptr;
  const std::string* component_id = nullptr;
  std::unique_ptr<spin1::InstanceContext> spin1;
};

// One guest run: a fresh store with the host's limits and deadline, a WASI
// context, and an instance.
class Invocation {
 public:
  Invocation(ComponentHost& host, const LoadedComponent& component);

  // Creates the WASI context from `options` (pre-opens and environment of
  // the component are added) and instantiates.
  Status Start(wasi::WasiOptions options);

  Store& store() { return store_; }
  Instance* instance() { return instance_; }
  wasi::WasiContext& wasi() { return *state_.wasi; }
  const LoadedComponent& component() const { return component_; }

  // After a failed call: a message for the log that names a limit the guest
  // hit (time or memory), or the error itself.
  std::string Describe(const Error& error) const;

 private:
  ComponentHost& host_;
  const LoadedComponent& component_;
  Store store_;
  InvocationState state_;
  Instance* instance_ = nullptr;
};

}  // namespace spindle::triggers
