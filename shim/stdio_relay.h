// Copies a container's stdout and stderr from pipes (the task process
// writes them) to the FIFOs containerd gave in CreateTaskRequest. The shim
// owns this copy, not the task, so an app never blocks on its log: when no
// one drains a FIFO, output is dropped after a short wait. The FIFOs are
// opened read-write and non-blocking, which never waits for a reader and
// never raises SIGPIPE when ctr detaches.
#pragma once

#include <string>
#include <thread>

namespace spindle::shim {

class StdioRelay {
 public:
  // Takes ownership of the pipe read ends; an empty path discards that stream.
  StdioRelay(int stdout_pipe, const std::string& stdout_path, int stderr_pipe,
             const std::string& stderr_path);
  // Waits until both pipes reached end of file (every writer has exited).
  ~StdioRelay();
  StdioRelay(const StdioRelay&) = delete;
  StdioRelay& operator=(const StdioRelay&) = delete;

 private:
  void Copy();
  int pipes_[2];
  int sinks_[2];
  std::thread thread_;
};

}  // namespace spindle::shim
