#include "shim/task_main.h"

#include <poll.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string>

#include "engine/tier/tier.h"
#include "oci/locked_app_content.h"
#include "shim/namespaces.h"
#include "shim/oci_spec.h"
#include "triggers/server/app_server.h"

namespace spindle::shim {
namespace {

namespace fs = std::filesystem;

constexpr int kReportFd = 3;
constexpr int kGoFd = 4;

// One line to the shim; messages are flattened to a single line.
void Report(const std::string& line) {
  std::string text = line;
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  text += '\n';
  for (size_t done = 0; done < text.size();) {
    const ssize_t wrote = write(kReportFd, text.data() + done, text.size() - done);
    if (wrote > 0) {
      done += static_cast<size_t>(wrote);
    } else if (wrote < 0 && errno == EINTR) {
      continue;
    } else {
      return;  // the shim is gone; PDEATHSIG will end us
    }
  }
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "containerd-shim-spindle-v2: %s\n", message.c_str());
  Report("error " + message);
  return 1;
}

// True once the shim says "go"; false if it closes the pipe or a stop
// signal arrives first.
bool AwaitStart(const sigset_t& stop_signals) {
  const int signals = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  pollfd ready[2] = {{kGoFd, POLLIN, 0}, {signals, POLLIN, 0}};
  bool go = false;
  for (;;) {
    if (poll(ready, signals >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (ready[0].revents != 0) {
      char byte = 0;
      go = read(kGoFd, &byte, 1) == 1;
    }
    break;
  }
  if (signals >= 0) close(signals);
  close(kGoFd);
  return go;
}

int RunPause(const sigset_t& stop_signals) {
  Report("ready");
  if (!AwaitStart(stop_signals)) return 0;
  Report("running");
  close(kReportFd);
  int received = 0;
  sigwait(&stop_signals, &received);
  return 0;
}

// The app at the image root: spin.toml (FROM-scratch images), else a
// locked app, spin.json, whose content is under sha256/<hex> beside it.
// Paths are relative to the rootfs, so errors read "spin.toml:3:1: ..." as
// the image has it.
Result<std::unique_ptr<triggers::AppServer>> LoadImageApp(const fs::path& root,
                                                          const triggers::AppServerOptions& options) {
  std::error_code error;
  const bool has_manifest = fs::exists(root / "spin.toml", error);
  if (!has_manifest && !fs::exists(root / "spin.json", error)) {
    return MakeError(Phase::kUsage,
                     "the image has no /spin.toml (or locked /spin.json): Spindle runs images "
                     "whose root holds the app (rootfs " + root.string() + ")");
  }
  if (chdir(root.c_str()) != 0) return MakeError(Phase::kIo, "cannot enter " + root.string());
  if (has_manifest) return triggers::AppServer::Load("spin.toml", options);
  auto locked = oci::LoadLockedAppWithContent("spin.json", ".");
  if (!locked.ok()) return std::move(locked).error();
  return triggers::AppServer::Create(std::move(locked).value(), options);
}

int RunApp(const OciSpec& spec, const sigset_t& stop_signals) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("spindle"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  triggers::AppServerOptions options;
  options.listen = spec.Env("SPIN_HTTP_LISTEN_ADDR", "0.0.0.0:80");
  options.log_dir = fs::path();  // guests write to the container's stdout/stderr
  options.guest_stdio_to_process = true;
  // Serve at once on the interpreter; native code arrives from the
  // node's cache, an .swasm shipped in the image, or a compile in the
  // background (a child process of this binary, see main.cc).
  options.tier = tier::ParseTier(spec.Env("SPINDLE_TIER", "auto")).value_or(tier::Tier::kAuto);
  options.native.cache_dir = spec.Env("SPINDLE_CACHE_DIR", "/var/cache/spindle/native");
  options.native.compiler_exe = "/proc/self/exe";
  auto server = LoadImageApp(spec.root, options);
  if (!server.ok()) return Fail(server.error().ToString());
  Report("ready");

  if (!AwaitStart(stop_signals)) return 0;
  if (Status listening = (*server)->Listen(); !listening.ok()) {
    return Fail(listening.error().ToString());
  }
  Report("running " + (*server)->local_address());
  close(kReportFd);
  std::fputs((*server)->Banner().c_str(), stdout);
  std::fflush(stdout);
  triggers::RunUntilSignal(**server, stop_signals);
  return 0;
}

}  // namespace

int RunTask(const ShimFlags& flags) {
  // Before any thread exists, so all inherit the mask (see app_server.h).
  const sigset_t stop_signals = triggers::BlockStopSignals();
  auto spec = ReadOciSpec(flags.bundle);
  if (!spec.ok()) return Fail(spec.error().ToString());
  if (Status entered = EnterNamespaces(spec->namespaces, spec->hostname); !entered.ok()) {
    return Fail(entered.error().message);
  }
  // The container's environment is the process's (SPIN_* settings); staged
  // component files go under the bundle, which containerd removes.
  for (const std::string& entry : spec->env) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) continue;
    setenv(entry.substr(0, equals).c_str(), entry.substr(equals + 1).c_str(), 1);
  }
  setenv("TMPDIR", flags.bundle.c_str(), 1);
  if (spec->IsSandbox()) return RunPause(stop_signals);
  return RunApp(*spec, stop_signals);
}

}  // namespace spindle::shim
