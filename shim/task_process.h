// The shim's side of a task's process. A task is a real child process (this
// binary re-executed with the internal action "task", see task_main.h), so
// Wait, Kill, State and Pids refer to a real pid that holds the container's
// namespaces. The two talk over two pipes:
//   report (child -> shim): one line per phase: "ready", "running <addr>",
//                           or "error <message>";
//   go     (shim -> child): one byte when Start arrives; end of file means
//                           "never start, exit".
// The child's stdout and stderr are pipes the shim relays to the FIFOs.
//
// Thread safety: Start, Wait and pid may be used from different threads;
// Start is called at most once.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/base/result.h"
#include "shim/stdio_relay.h"

namespace spindle::shim {

struct TaskLaunch {
  std::string executable;  // this binary
  std::filesystem::path bundle;
  std::string id;
  std::string namespace_name;
  std::string stdout_path;  // FIFOs from CreateTaskRequest; empty: discard
  std::string stderr_path;
};

class TaskProcess {
 public:
  // Starts the child and waits (at most `timeout`) until it has entered its
  // namespaces and loaded the app ("ready"). On "error", or if it dies
  // first, the child is reaped and its message returned as the error.
  static Result<std::unique_ptr<TaskProcess>> Launch(const TaskLaunch& launch,
                                                     std::chrono::milliseconds timeout);
  // Closes the go pipe (an unstarted child exits), then waits for the
  // stdio relay to drain. REQUIRES: the process has been waited for.
  ~TaskProcess();
  TaskProcess(const TaskProcess&) = delete;
  TaskProcess& operator=(const TaskProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Lets the child start serving and waits for "running"; the error is the
  // child's message (e.g. the listen address is taken).
  Result<std::string> Start(std::chrono::milliseconds timeout);

  // Blocks until the child exits; returns its exit status as containerd
  // reports it (the code, or 128 + signal).
  uint32_t Wait();

 private:
  TaskProcess(pid_t pid, int report_fd, int go_fd, std::unique_ptr<StdioRelay> relay);
  Result<std::string> ReadReport(std::chrono::milliseconds timeout);

  pid_t pid_;
  int report_fd_;
  int go_fd_;
  std::string pending_;  // report bytes read past the last line
  std::unique_ptr<StdioRelay> relay_;
};

}  // namespace spindle::shim
