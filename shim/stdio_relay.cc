#include "shim/stdio_relay.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace spindle::shim {
namespace {

int OpenSink(const std::string& path) {
  if (path.empty()) return -1;
  return open(path.c_str(), O_RDWR | O_NONBLOCK | O_APPEND | O_CLOEXEC);
}

// Writes what it can within a short grace period; the rest is dropped.
void WriteOrDrop(int sink, const char* data, size_t size) {
  size_t done = 0;
  for (int waits = 0; done < size && waits < 5;) {
    const ssize_t wrote = write(sink, data + done, size - done);
    if (wrote > 0) {
      done += static_cast<size_t>(wrote);
    } else if (wrote < 0 && errno == EINTR) {
      continue;
    } else if (wrote < 0 && errno == EAGAIN) {
      pollfd writable{sink, POLLOUT, 0};
      poll(&writable, 1, 10);
      ++waits;
    } else {
      return;
    }
  }
}

}  // namespace

StdioRelay::StdioRelay(int stdout_pipe, const std::string& stdout_path, int stderr_pipe,
                       const std::string& stderr_path)
    : pipes_{stdout_pipe, stderr_pipe}, sinks_{OpenSink(stdout_path), OpenSink(stderr_path)} {
  thread_ = std::thread([this] { Copy(); });
}

StdioRelay::~StdioRelay() {
  thread_.join();
  for (int fd : pipes_) close(fd);
  for (int fd : sinks_) {
    if (fd >= 0) close(fd);
  }
}

void StdioRelay::Copy() {
  bool open[2] = {true, true};
  char buffer[16384];
  while (open[0] || open[1]) {
    pollfd ready[2] = {{open[0] ? pipes_[0] : -1, POLLIN, 0}, {open[1] ? pipes_[1] : -1, POLLIN, 0}};
    if (poll(ready, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || ready[i].revents == 0) continue;
      const ssize_t got = read(pipes_[i], buffer, sizeof buffer);
      if (got > 0) {
        if (sinks_[i] >= 0) WriteOrDrop(sinks_[i], buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        open[i] = false;
      }
    }
  }
}

}  // namespace spindle::shim
