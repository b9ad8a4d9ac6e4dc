#include "shim/task_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <future>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

extern char** environ;

namespace spindle::shim {
namespace {

// The child asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG), so a
// crashed shim leaves no task behind. That signal fires when the *thread*
// that forked exits, so every fork happens on this one thread, which lives
// as long as the shim.
void RunOnForkThread(const std::function<void()>& work) {
  static std::mutex mutex;
  static std::condition_variable wake;
  static std::queue<std::packaged_task<void()>> jobs;
  static std::once_flag started;
  std::call_once(started, [] {
    std::thread([] {
      for (;;) {
        std::packaged_task<void()> job;
        {
          std::unique_lock lock(mutex);
          wake.wait(lock, [] { return !jobs.empty(); });
          job = std::move(jobs.front());
          jobs.pop();
        }
        job();
      }
    }).detach();
  });
  std::packaged_task<void()> job(work);
  std::future<void> done = job.get_future();
  {
    std::lock_guard lock(mutex);
    jobs.push(std::move(job));
  }
  wake.notify_one();
  done.wait();
}

Error SystemError(const std::string& what) {
  return MakeError(Phase::kIo, what + ": " + std::strerror(errno));
}

uint32_t DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return static_cast<uint32_t>(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return 128u + static_cast<uint32_t>(WTERMSIG(status));
  return 255;
}

// Child fds, fixed by convention with task_main.cc.
constexpr int kReportFd = 3;
constexpr int kGoFd = 4;

}  // namespace

Result<std::unique_ptr<TaskProcess>> TaskProcess::Launch(const TaskLaunch& launch,
                                                         std::chrono::milliseconds timeout) {
  int pipes[4][2];
  for (int made = 0; made < 4; ++made) {
    if (pipe2(pipes[made], O_CLOEXEC) != 0) {
      Error error = SystemError("pipe");
      for (int i = 0; i < made; ++i) {
        close(pipes[i][0]);
        close(pipes[i][1]);
      }
      return error;
    }
  }
  int(&out_pipe)[2] = pipes[0];
  int(&err_pipe)[2] = pipes[1];
  int(&report_pipe)[2] = pipes[2];
  int(&go_pipe)[2] = pipes[3];

  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls are allowed.
  std::vector<std::string> args = {launch.executable, "-namespace", launch.namespace_name,
                                   "-id",             launch.id,    "-bundle",
                                   launch.bundle.string(),          "task"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();

  pid_t pid = -1;
  int fork_error = 0;
  RunOnForkThread([&] {
    pid = fork();
    if (pid == 0) {
      if (dup2(out_pipe[1], STDOUT_FILENO) < 0 || dup2(err_pipe[1], STDERR_FILENO) < 0 ||
          dup2(report_pipe[1], kReportFd) < 0 || dup2(go_pipe[0], kGoFd) < 0) {
        _exit(127);
      }
      const int null_fd = open("/dev/null", O_RDONLY);
      if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);  // the shim died before prctl
      close_range(kGoFd + 1, ~0u, 0);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      execve(argv[0], argv.data(), environ);
      _exit(127);
    }
    fork_error = errno;
  });
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(report_pipe[1]);
  close(go_pipe[0]);
  if (pid < 0) {
    for (int fd : {out_pipe[0], err_pipe[0], report_pipe[0], go_pipe[1]}) close(fd);
    errno = fork_error;
    return SystemError("fork");
  }
  auto relay = std::make_unique<StdioRelay>(out_pipe[0], launch.stdout_path, err_pipe[0],
                                            launch.stderr_path);
  std::unique_ptr<TaskProcess> process(
      new TaskProcess(pid, report_pipe[0], go_pipe[1], std::move(relay)));
  auto report = process->ReadReport(timeout);
  if (!report.ok() || *report != "ready") {
    kill(pid, SIGKILL);
    process->Wait();
    if (!report.ok()) return std::move(report).error();
    return MakeError(Phase::kUsage, "unexpected report from the task: " + *report);
  }
  return process;
}

TaskProcess::TaskProcess(pid_t pid, int report_fd, int go_fd, std::unique_ptr<StdioRelay> relay)
    : pid_(pid), report_fd_(report_fd), go_fd_(go_fd), relay_(std::move(relay)) {}

TaskProcess::~TaskProcess() {
  if (go_fd_ >= 0) close(go_fd_);
  close(report_fd_);
  relay_.reset();
}

Result<std::string> TaskProcess::Start(std::chrono::milliseconds timeout) {
  const char go = 'g';
  if (write(go_fd_, &go, 1) != 1) return SystemError("cannot start the task");
  close(go_fd_);
  go_fd_ = -1;
  auto report = ReadReport(timeout);
  if (!report.ok()) return report;
  if (report->rfind("running", 0) != 0) {
    return MakeError(Phase::kUsage, "unexpected report from the task: " + *report);
  }
  return report->size() > 8 ? report->substr(8) : std::string();
}

Result<std::string> TaskProcess::ReadReport(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const size_t newline = pending_.find('\n'); newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      if (line.rfind("error ", 0) == 0) return MakeError(Phase::kUsage, line.substr(6));
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return MakeError(Phase::kIo, "the task did not report in time");
    pollfd readable{report_fd_, POLLIN, 0};
    const int polled = poll(&readable, 1, static_cast<int>(left.count()));
    if (polled < 0 && errno != EINTR) return SystemError("poll");
    if (polled <= 0) continue;
    char buffer[4096];
    const ssize_t got = read(report_fd_, buffer, sizeof buffer);
    if (got > 0) {
      pending_.append(buffer, static_cast<size_t>(got));
    } else if (got == 0) {
      return MakeError(Phase::kIo, "the task exited before it was ready (see its stderr)");
    } else if (errno != EINTR) {
      return SystemError("reading the task's report");
    }
  }
}

uint32_t TaskProcess::Wait() {
  int status = 0;
  for (;;) {
    const pid_t got = waitpid(pid_, &status, 0);
    if (got == pid_) return DecodeWaitStatus(status);
    if (got < 0 && errno != EINTR) return 255;  // already reaped elsewhere
  }
}

}  // namespace spindle::shim
