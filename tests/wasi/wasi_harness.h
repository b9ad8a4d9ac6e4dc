// Runs WASI guests through the real `spindle run` process and prepares the
// host directory trees they see.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spindle::wasi_test {

// The built spindle binary (or $SPINDLE_WASI_TEST_RUNNER) and guest modules.
std::string SpindleBinary();
std::string GuestPath(const std::string& name);  // "fd" -> .../fd.wasm

struct ProcessResult {
  int status = -1;         // exit status; 128 + N when killed by signal N
  bool timed_out = false;  // killed because it ran past its deadline
  std::string out;         // stdout
  std::string err;         // stderr
  // stdout then stderr, with very long lines shortened, for failure messages.
  std::string Describe() const;
};

// A child process with its stdin, stdout and stderr on pipes. Every wait is
// bounded; a child still running at its deadline is killed.
class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Starts argv[0] with the given arguments; `input` is written to its stdin,
  // which is then closed.
  bool Start(const std::vector<std::string>& argv, std::string input = "");
  // Pumps the pipes until stdout contains `text` or `timeout` passes.
  bool WaitForOutput(const std::string& text, std::chrono::milliseconds timeout);
  // Pumps the pipes until the child exits and both pipes close.
  ProcessResult Finish(std::chrono::milliseconds timeout);

 private:
  // One round of poll(2) over the pipes, waiting at most `wait`.
  void Pump(std::chrono::milliseconds wait);
  void Reap(bool block);
  void CloseAll();

  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string input_;
  size_t input_sent_ = 0;
  bool exited_ = false;
  int wait_status_ = 0;
  ProcessResult result_;
};

// `spindle run ARGS...`, bounded by `timeout`.
ProcessResult RunSpindle(const std::vector<std::string>& args, const std::string& input = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A fresh temporary tree for one test:
//   root/sandbox/  the guest's writable pre-open, with files, a subdirectory
//                  and symlinks, several of which lead outside
//   root/outside/  never pre-opened; holds secret.txt
//   root/ro/       the read-only pre-open
// See guests/sandbox.c for the full layout.
class SandboxTree {
 public:
  SandboxTree();
  ~SandboxTree();
  SandboxTree(const SandboxTree&) = delete;
  SandboxTree& operator=(const SandboxTree&) = delete;

  const std::string& root() const { return root_; }
  std::string sandbox() const { return root_ + "/sandbox"; }
  std::string outside() const { return root_ + "/outside"; }
  std::string ro() const { return root_ + "/ro"; }

  // Everything under root except the sandbox/ subtree: type, size, mtime,
  // link count, file contents and link targets, keyed by relative path.
  std::map<std::string, std::string> SnapshotOutsideSandbox() const;
  // Names in root's parent that an escape would have made there, sorted.
  std::vector<std::string> StrayEntriesNextToRoot() const;

 private:
  std::string root_;
};

// Describes the differences between two snapshots; empty when equal.
std::string DiffSnapshots(const std::map<std::string, std::string>& before,
                          const std::map<std::string, std::string>& after);

// FNV-1a, 64 bit, as guests/stdio.c computes it.
uint64_t Fnv1a64(const std::string& data);

// A loopback TCP port that was free a moment ago.
int PickFreeLoopbackPort();

}  // namespace spindle::wasi_test
