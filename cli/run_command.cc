#include "cli/run_command.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/embed/call.h"
#include "engine/embed/linker.h"
#include "engine/tier/native_cache.h"
#include "engine/tier/tier.h"
#include "wasi/preview1.h"

namespace spindle::cli {
namespace {

// Exit status for a trap, as wasmtime uses (128 + SIGABRT).
constexpr int kTrapExitStatus = 134;

struct RunOptions {
  std::string module;
  std::vector<std::string> args;
  std::string invoke;
  std::vector<std::string> env;
  std::vector<std::string> dirs;
  std::vector<std::string> listens;
  std::string bounds = "guard";
  std::string tier = "auto";
  double timeout_seconds = 0;
};

// Bumps the engine's epoch once the timeout passes, which makes the guest
// trap at its next loop back-edge or call.
class Watchdog {
 public:
  Watchdog(Engine& engine, double seconds) {
    if (seconds <= 0) return;
    thread_ = std::thread([this, &engine, seconds] {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!done_cv_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return done_; })) {
        engine.IncrementEpoch();
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    done_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
};

Result<Value> ParseArgument(const std::string& text, ValType type) {
  try {
    size_t used = 0;
    Value value;
    switch (type) {
      case ValType::kI32: value = Value::I32(static_cast<int32_t>(std::stoll(text, &used, 0))); break;
      case ValType::kI64: value = Value::I64(static_cast<int64_t>(std::stoll(text, &used, 0))); break;
      case ValType::kF32: value = Value::F32(std::stof(text, &used)); break;
      case ValType::kF64: value = Value::F64(std::stod(text, &used)); break;
      default:
        return MakeError(Phase::kUsage, std::string("cannot pass a ") + ValTypeName(type) +
                                            " argument from the command line");
    }
    if (used != text.size()) throw std::invalid_argument(text);
    return value;
  } catch (const std::exception&) {
    return MakeError(Phase::kUsage, "invalid " + std::string(ValTypeName(type)) + " argument \"" +
                                        text + "\"");
  }
}

void PrintTrap(const Error& error) {
  std::fprintf(stderr, "spindle: error: %s\n", error.ToString().c_str());
  if (!error.backtrace.empty()) {
    std::fprintf(stderr, "wasm backtrace:\n");
    for (size_t i = 0; i < error.backtrace.size(); ++i) {
      std::fprintf(stderr, "  %2zu: %s\n", i, error.backtrace[i].c_str());
    }
  }
}

// "--dir HOST[::GUEST][::ro]"
Result<wasi::Preopen> ParseDir(const std::string& spec) {
  wasi::Preopen preopen;
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t separator = spec.find("::", start);
    parts.push_back(spec.substr(start, separator - start));
    if (separator == std::string::npos) break;
    start = separator + 2;
  }
  if (parts.size() == 3 && parts[2] == "ro") {
    preopen.readonly = true;
    parts.pop_back();
  }
  if (parts.empty() || parts.size() > 2 || parts[0].empty() ||
      (parts.size() == 2 && parts[1].empty())) {
    return MakeError(Phase::kUsage,
                     "--dir " + spec + ": expected HOST, HOST::GUEST or HOST::GUEST::ro");
  }
  preopen.host_path = parts[0];
  preopen.guest_path = parts.size() == 2 ? parts[1] : parts[0];
  return preopen;
}

// "--tcplisten HOST:PORT": a listening socket the guest receives pre-opened.
Result<int> Listen(const std::string& spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos) {
    return MakeError(Phase::kUsage, "--tcplisten " + spec + ": expected HOST:PORT");
  }
  std::string host = spec.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = spec.substr(colon + 1);
  if (const int error = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints,
                                    &found)) {
    return MakeError(Phase::kUsage, "--tcplisten " + spec + ": " + gai_strerror(error));
  }
  const int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
  const int yes = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (fd < 0 || bind(fd, found->ai_addr, found->ai_addrlen) != 0 || listen(fd, 128) != 0) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) close(fd);
    freeaddrinfo(found);
    return MakeError(Phase::kUsage, "--tcplisten " + spec + ": " + reason);
  }
  freeaddrinfo(found);
  return fd;
}

int Fail(const Error& error) {
  if (TrapKindOf(error) == TrapKind::kExit) return error.exit_code;
  PrintTrap(error);
  return error.phase == Phase::kRuntime ? kTrapExitStatus : 1;
}

int Run(const RunOptions& options) {
  EngineConfig config;
  config.bounds_checks =
      options.bounds == "explicit" ? BoundsChecks::kExplicit : BoundsChecks::kGuardPages;
  Engine engine(config);
  auto module = CompiledModule::CompileFile(engine, options.module);
  if (!module.ok()) return Fail(module.error());
  const tier::Tier chosen_tier = *tier::ParseTier(options.tier);  // CLI11 checked the name
  if (chosen_tier != tier::Tier::kInterp && config.bounds_checks == BoundsChecks::kGuardPages) {
    // auto: native code only if `spindle compile` (or a server) left some;
    // a one-shot run does not wait for LLVM.
    tier::NativeOptions native;
    native.lookup_only = chosen_tier == tier::Tier::kAuto;
    auto outcome = tier::ObtainNativeCode(**module, native);
    if (outcome.ok()) {
      (*module)->PublishNativeCode(outcome->code);
    } else if (chosen_tier == tier::Tier::kLlvm) {
      return Fail(outcome.error());
    }
  }

  wasi::WasiOptions wasi_options;
  wasi_options.args.push_back(options.module);
  if (options.invoke.empty()) {
    wasi_options.args.insert(wasi_options.args.end(), options.args.begin(), options.args.end());
  }
  wasi_options.env = options.env;
  for (const std::string& dir : options.dirs) {
    auto preopen = ParseDir(dir);
    if (!preopen.ok()) return Fail(preopen.error());
    wasi_options.preopens.push_back(*preopen);
  }
  for (const std::string& listen : options.listens) {
    auto socket = Listen(listen);
    if (!socket.ok()) return Fail(socket.error());
    wasi_options.listening_sockets.push_back(*socket);
  }
  auto wasi_context = wasi::WasiContext::Create(std::move(wasi_options));
  if (!wasi_context.ok()) return Fail(wasi_context.error());

  Linker linker(engine);
  Status wasi = wasi::AddPreview1(linker);
  if (!wasi.ok()) return Fail(wasi.error());
  Store store(engine);
  store.set_user_data(wasi_context->get());
  if (options.timeout_seconds > 0) store.SetEpochDeadline(1);
  Watchdog watchdog(engine, options.timeout_seconds);

  auto instance = linker.Instantiate(store, *module);
  if (!instance.ok()) return Fail(instance.error());

  if (options.invoke.empty()) {
    Function* start = (*instance)->GetFunction("_start");
    if (!start) {
      std::fprintf(stderr,
                   "spindle: error: %s exports no _start function; name one with --invoke\n",
                   options.module.c_str());
      return 1;
    }
    auto result = Call(store, start, {});
    return result.ok() ? 0 : Fail(result.error());
  }

  // A reactor initializes itself before any other export runs.
  if (Function* initialize = (*instance)->GetFunction("_initialize")) {
    auto result = Call(store, initialize, {});
    if (!result.ok()) return Fail(result.error());
  }
  Function* function = (*instance)->GetFunction(options.invoke);
  if (!function) {
    std::fprintf(stderr, "spindle: error: %s exports no function named \"%s\"\n",
                 options.module.c_str(), options.invoke.c_str());
    return 1;
  }
  const FuncType& type = *function->type;
  if (options.args.size() != type.params.size()) {
    std::fprintf(stderr, "spindle: error: \"%s\" takes %zu arguments %s, got %zu\n",
                 options.invoke.c_str(), type.params.size(), type.ToString().c_str(),
                 options.args.size());
    return 1;
  }
  std::vector<Value> args;
  for (size_t i = 0; i < options.args.size(); ++i) {
    auto value = ParseArgument(options.args[i], type.params[i]);
    if (!value.ok()) return Fail(value.error());
    args.push_back(*value);
  }
  auto results = Call(store, function, args);
  if (!results.ok()) return Fail(results.error());
  for (const Value& value : *results) {
    switch (value.type) {
      case ValType::kI32: std::printf("%d\n", value.i32()); break;
      case ValType::kI64: std::printf("%lld\n", static_cast<long long>(value.i64())); break;
      case ValType::kF32: std::printf("%.9g\n", static_cast<double>(value.f32())); break;
      case ValType::kF64: std::printf("%.17g\n", value.f64()); break;
      default: std::printf("%s\n", value.ToString().c_str());
    }
  }
  return 0;
}

}  // namespace

std::vector<std::string> SeparateGuestArguments(std::vector<std::string> args) {
  static const char* const kValueOptions[] = {"--invoke", "--env",     "--bounds", "--tier",
                                              "--timeout", "--dir", "--tcplisten"};
  auto run = std::find(args.begin(), args.end(), "run");
  if (run == args.end()) return args;
  for (auto it = run + 1; it != args.end(); ++it) {
    if (*it == "--") return args;
    if (it->empty() || (*it)[0] != '-') {
      args.insert(it, "--");  // the module path: everything after is the guest's
      return args;
    }
    for (const char* option : kValueOptions) {
      if (*it == option) {
        ++it;  // skip the option's value
        break;
      }
    }
    if (it == args.end()) break;
  }
  return args;
}

void RegisterRunCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand("run", "Run a WebAssembly module (a WASI command or an export)");
  run->add_option("module", options->module, "The .wasm file")->required();
  run->add_option("args", options->args, "Arguments for the program (or for --invoke)");
  run->add_option("--invoke", options->invoke, "Call this export instead of _start");
  run->add_option("--env", options->env, "Set an environment variable (KEY=VALUE)")
      ->allow_extra_args(false);
  run->add_option("--dir", options->dirs,
                  "Pre-open a directory: HOST, HOST::GUEST, or HOST::GUEST::ro (read-only)")
      ->allow_extra_args(false);
  run->add_option("--tcplisten", options->listens,
                  "Pre-open a listening TCP socket on HOST:PORT")
      ->allow_extra_args(false);
  run->add_option("--bounds", options->bounds, "Memory bounds checks: guard or explicit")
      ->check(CLI::IsMember({"guard", "explicit"}));
  run->add_option("--tier", options->tier,
                  "interp, llvm (compile first, cached) or auto (native code when the cache or "
                  "an x.swasm beside the module has it)")
      ->check(CLI::IsMember({"interp", "llvm", "auto"}))
      ->capture_default_str();
  run->add_option("--timeout", options->timeout_seconds,
                  "Stop the guest after this many seconds");
  run->callback([options] { std::exit(Run(*options)); });
}

}  // namespace spindle::cli
