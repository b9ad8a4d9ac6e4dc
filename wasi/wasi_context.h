// Per-instance WASI state: arguments, environment and the standard streams.
// (Issue 3 extends this with the full descriptor table and pre-opens.)
#pragma once

#include <string>
#include <vector>

namespace spindle::wasi {

struct WasiOptions {
  std::vector<std::string> args;  // args[0] is the program name
  std::vector<std::string> env;   // "KEY=VALUE"
};

class WasiContext {
 public:
  explicit WasiContext(WasiOptions options) : options_(std::move(options)) {}

  const std::vector<std::string>& args() const { return options_.args; }
  const std::vector<std::string>& env() const { return options_.env; }

  // The host descriptor behind guest descriptor `fd`, or -1.
  int HostFd(uint32_t fd) const { return fd <= 2 ? static_cast<int>(fd) : -1; }

 private:
  WasiOptions options_;
};

}  // namespace spindle::wasi
