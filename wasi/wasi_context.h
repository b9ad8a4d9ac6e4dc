// Per-instance WASI state: arguments, environment, and the descriptor
// table with the standard streams, pre-opened directories and sockets.
// Built from WasiOptions; one per guest instance.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "wasi/descriptor.h"
#include "wasi/memory_stream.h"

namespace spindle::wasi {

// Where a standard stream goes.
struct StreamBinding {
  enum class Kind { kInherit, kClosed, kHostFd, kMemory };
  Kind kind = Kind::kInherit;
  int host_fd = -1;                      // kHostFd (borrowed, not closed)
  std::shared_ptr<MemoryStream> memory;  // kMemory

  static StreamBinding Inherit() { return {}; }
  static StreamBinding Closed() { return {Kind::kClosed, -1, nullptr}; }
  static StreamBinding HostFd(int fd) { return {Kind::kHostFd, fd, nullptr}; }
  static StreamBinding Memory(std::shared_ptr<MemoryStream> stream) {
    return {Kind::kMemory, -1, std::move(stream)};
  }
};

struct Preopen {
  std::string host_path;
  std::string guest_path;
  bool readonly = false;
};

struct WasiOptions {
  std::vector<std::string> args;  // args[0] is the program name
  std::vector<std::string> env;   // "KEY=VALUE"
  StreamBinding stdin_binding;
  StreamBinding stdout_binding;
  StreamBinding stderr_binding;
  std::vector<Preopen> preopens;
  std::vector<int> listening_sockets;  // borrowed; pre-opened after the directories
};

class WasiContext {
 public:
  // Opens the pre-opened directories; an unusable one is an error naming it.
  static Result<std::unique_ptr<WasiContext>> Create(WasiOptions options);

  const std::vector<std::string>& args() const { return options_.args; }
  const std::vector<std::string>& env() const { return options_.env; }
  FdTable& fds() { return fds_; }

 private:
  explicit WasiContext(WasiOptions options) : options_(std::move(options)) {}

  WasiOptions options_;
  FdTable fds_;
};

}  // namespace spindle::wasi
