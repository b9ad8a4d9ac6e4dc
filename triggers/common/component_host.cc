#include "triggers/common/component_host.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <spdlog/spdlog.h>

#include "app/files.h"
#include "engine/embed/call.h"
#include "spin1/spin1_imports.h"
#include "wasi/preview1.h"

namespace spindle::triggers {
namespace {

namespace fs = std::filesystem;

wasi::WasiContext* WasiOfStore(Caller& caller) {
  auto* state = static_cast<InvocationState*>(caller.store().user_data());
  return state ? state->wasi.get() : nullptr;
}

spin1::InstanceContext* Spin1ContextOfStore(Caller& caller) {
  auto* state = static_cast<InvocationState*>(caller.store().user_data());
  if (!state || !state->app_services) return nullptr;
  if (!state->spin1) {
    const services::ComponentServices* component =
        state->app_services->Component(*state->component_id);
    if (!component) return nullptr;
    state->spin1 = std::make_unique<spin1::InstanceContext>(*state->app_services, *component);
  }
  return state->spin1.get();
}

Error ComponentError(const app::Component& component, std::string message) {
  return MakeError(Phase::kUsage, component.where.ToString() + ": component '" + component.id +
                                      "': " + message);
}

int OpenLog(const fs::path& path) {
  return open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

// Copies `source` to `destination`, a file or a whole tree.
std::error_code CopyInto(const fs::path& source, const fs::path& destination) {
  std::error_code error;
  fs::create_directories(destination.parent_path(), error);
  if (error) return error;
  const auto options = fs::copy_options::recursive | fs::copy_options::overwrite_existing |
                       fs::copy_options::copy_symlinks;
  fs::copy(source, destination, options, error);
  return error;
}

}  // namespace

ComponentHost::ComponentHost(const app::App& app, HostOptions options)
    : app_(app), options_(std::move(options)) {}

ComponentHost::~ComponentHost() {
  background_compiler_.reset();
  ticker_.reset();
  for (auto& [id, component] : components_) {
    if (component.stdout_log >= 0) close(component.stdout_log);
    if (component.stderr_log >= 0) close(component.stderr_log);
  }
}

Result<std::unique_ptr<ComponentHost>> ComponentHost::Load(const app::App& app,
                                                           HostOptions options) {
  std::unique_ptr<ComponentHost> host(new ComponentHost(app, std::move(options)));
  EngineConfig config;
  config.bounds_checks = host->options_.bounds_checks;
  config.memory_init = host->options_.memory_init;
  host->engine_ = std::make_unique<Engine>(config);
  host->linker_ = std::make_unique<Linker>(*host->engine_);
  SPINDLE_TRY(wasi::AddPreview1(*host->linker_, &WasiOfStore));
  SPINDLE_TRY(spin1::AddSpin1Imports(*host->linker_, &Spin1ContextOfStore));
  const services::RuntimeConfig runtime_config = host->options_.runtime_config
                                                     ? *host->options_.runtime_config
                                                     : services::DefaultRuntimeConfig(app.root);
  SPINDLE_ASSIGN_OR_RETURN(host->services_,
                           services::AppServices::Create(app, runtime_config, host->options_.services));
  if (!host->options_.log_dir.empty()) {
    std::error_code error;
    fs::create_directories(host->options_.log_dir, error);
    if (error) {
      return MakeError(Phase::kUsage, "cannot create log directory " +
                                          host->options_.log_dir.string() + ": " +
                                          error.message());
    }
  }
  for (const app::Component& component : app.components) {
    SPINDLE_TRY(host->LoadComponent(component));
  }
  SPINDLE_TRY(host->StartNativeTier());
  host->ticker_ = std::make_unique<EpochTicker>(*host->engine_);
  return host;
}

namespace {

void LogNativeCode(const std::string& id, const char* what, const tier::NativeOutcome& outcome) {
  spdlog::info("component '{}': {} from {} ({:.0f} ms compile)", id, what,
               tier::NativeSourceName(outcome.source), outcome.compile_seconds * 1000);
  if (outcome.cache_entries_removed > 0) {
    spdlog::info("native code cache over its limit ($SPINDLE_CACHE_MAX_MB): removed {} least "
                 "recently used entries ({:.1f} MB)",
                 outcome.cache_entries_removed, outcome.cache_bytes_removed / 1e6);
  }
}

}  // namespace

Status ComponentHost::StartNativeTier() {
  if (options_.tier == tier::Tier::kInterp) return Ok();
  if (options_.bounds_checks != BoundsChecks::kGuardPages) {
    if (options_.tier == tier::Tier::kLlvm) {
      return MakeError(Phase::kUsage, "--tier llvm needs guard-page bounds checks (--bounds guard)");
    }
    return Ok();  // auto: native code needs the guard pages; stay interpreted
  }
  if (options_.tier == tier::Tier::kLlvm) {
    for (auto& [id, component] : components_) {
      auto outcome = tier::ObtainNativeCode(*component.module, options_.native);
      if (!outcome.ok()) {
        return ComponentError(*component.manifest,
                              "--tier llvm: no native code: " + outcome.error().ToString());
      }
      component.module->PublishNativeCode(outcome->code);
      LogNativeCode(id, "native code", *outcome);
    }
    return Ok();
  }
  background_compiler_ = std::make_unique<tier::BackgroundCompiler>(
      options_.native, [](const std::string& id, const Result<tier::NativeOutcome>& outcome) {
        if (!outcome.ok()) {
          spdlog::warn("component '{}': staying on the interpreter: {}", id,
                       outcome.error().ToString());
          return;
        }
        LogNativeCode(id, "switched to native code", outcome.value());
      });
  for (auto& [id, component] : components_) background_compiler_->Enqueue(component.module, id);
  return Ok();
}

void ComponentHost::WaitForNativeCode() {
  if (background_compiler_) background_compiler_->WaitIdle();
}

Status ComponentHost::LoadComponent(const app::Component& component) {
  LoadedComponent loaded;
  loaded.manifest = &component;
  auto module = CompiledModule::CompileFile(*engine_, component.source.string());
  if (!module.ok()) {
    return ComponentError(component, "cannot load " + component.source.string() + ": " +
                                         module.error().ToString());
  }
  loaded.module = std::move(module).value();
  auto pre = linker_->Prepare(loaded.module);
  if (!pre.ok()) {
    return ComponentError(component, pre.error().ToString() +
                                         " (Spindle provides wasi_snapshot_preview1 and the "
                                         "Spin 1 interfaces)");
  }
  loaded.pre = std::move(pre).value();
  for (const auto& [key, value] : component.environment) loaded.env.push_back(key + "=" + value);
  for (const std::string& extra : options_.extra_env) loaded.env.push_back(extra);
  SPINDLE_TRY(StageFiles(component, loaded));
  if (!options_.log_dir.empty()) {
    loaded.stdout_log = OpenLog(options_.log_dir / (component.id + "_stdout.txt"));
    loaded.stderr_log = OpenLog(options_.log_dir / (component.id + "_stderr.txt"));
    if (loaded.stdout_log < 0 || loaded.stderr_log < 0) {
      return ComponentError(component, "cannot open its log files in " +
                                           options_.log_dir.string() + ": " +
                                           std::strerror(errno));
    }
  } else if (options_.guest_stdio_to_process) {
    // Our own duplicates, so closing them with the host leaves fds 1 and 2.
    loaded.stdout_log = dup(STDOUT_FILENO);
    loaded.stderr_log = dup(STDERR_FILENO);
  }
  components_.emplace(component.id, std::move(loaded));
  return Ok();
}

Status ComponentHost::StageFiles(const app::Component& component, LoadedComponent& loaded) {
  if (component.files.empty()) return Ok();
  SPINDLE_ASSIGN_OR_RETURN(std::vector<app::FileMount> mounts,
                           app::ResolveFiles(app_, component));
  if (options_.direct_mounts) {
    // Directories are pre-opened where they are; single files and globs
    // need the copy, as in Spin.
    for (const app::FileMount& mount : mounts) {
      if (!mount.is_directory) {
        return ComponentError(component, "--direct-mounts cannot mount the file " +
                                             mount.source.string() +
                                             "; only whole directories can be mounted directly");
      }
      loaded.preopens.push_back({mount.source.string(), mount.destination, true});
    }
    return Ok();
  }
  const fs::path root = options_.staging_dir / component.id;
  std::error_code error;
  fs::remove_all(root, error);
  fs::create_directories(root, error);
  if (error) {
    return ComponentError(component, "cannot create " + root.string() + ": " + error.message());
  }
  for (const app::FileMount& mount : mounts) {
    const fs::path target = root / fs::path(mount.destination).relative_path();
    if (const std::error_code copy_error = CopyInto(mount.source, target)) {
      return ComponentError(component, "cannot copy " + mount.source.string() + " to " +
                                           target.string() + ": " + copy_error.message());
    }
  }
  loaded.preopens.push_back({root.string(), "/", true});
  return Ok();
}

wasi::WasiOptions ComponentHost::GuestStdio(const LoadedComponent& component) const {
  auto log = [](int fd) {
    return fd >= 0 ? wasi::StreamBinding::HostFd(fd) : wasi::StreamBinding::Closed();
  };
  wasi::WasiOptions options;
  options.stdin_binding = wasi::StreamBinding::Closed();
  options.stdout_binding = log(component.stdout_log);
  options.stderr_binding = log(component.stderr_log);
  return options;
}

const LoadedComponent* ComponentHost::Find(const std::string& id) const {
  auto found = components_.find(id);
  return found == components_.end() ? nullptr : &found->second;
}

namespace {

StoreLimits LimitsFor(const HostOptions& options) {
  StoreLimits limits;
  const uint64_t pages = std::max<uint64_t>(1, options.max_memory_bytes / kWasmPageSize);
  limits.max_memory_pages = pages;
  limits.max_total_memory_pages = pages;
  limits.max_instances = 1;
  return limits;
}

}  // namespace

Invocation::Invocation(ComponentHost& host, const LoadedComponent& component)
    : host_(host), component_(component), store_(host.engine(), LimitsFor(host.options())) {
  store_.set_user_data(&state_);
  state_.app_services = &host.services();
  state_.component_id = &component.manifest->id;
}

Status Invocation::Start(wasi::WasiOptions options) {
  options.env.insert(options.env.begin(), component_.env.begin(), component_.env.end());
  options.preopens.insert(options.preopens.end(), component_.preopens.begin(),
                          component_.preopens.end());
  SPINDLE_ASSIGN_OR_RETURN(state_.wasi, wasi::WasiContext::Create(std::move(options)));
  store_.SetEpochDeadline(EpochTicker::TicksFor(host_.options().request_timeout));
  SPINDLE_ASSIGN_OR_RETURN(instance_, component_.pre->Instantiate(store_));
  return Ok();
}

std::string Invocation::Describe(const Error& error) const {
  const TrapKind kind = TrapKindOf(error);
  if (kind == TrapKind::kInterrupted) {
    return "exceeded the time limit of " +
           std::to_string(host_.options().request_timeout.count()) + " ms";
  }
  if (store_.memory_budget().refused()) {
    return "exceeded the memory limit of " +
           std::to_string(host_.options().max_memory_bytes >> 20) + " MiB (" + error.ToString() +
           ")";
  }
  std::string text = error.ToString();
  for (const std::string& frame : error.backtrace) text += "\n    at " + frame;
  return text;
}

}  // namespace spindle::triggers
