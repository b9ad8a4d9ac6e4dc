// Harness for the shim's integration tests: a private containerd per test
// (own root, state and sockets in a short temporary directory, never the
// system's), ctr and curl as child processes with bounded waits, and
// checks that a test left no shim process and no mount behind. The
// destructor cleans up whatever a failed test left: it stops containerd,
// kills only processes whose command line names this instance's
// directory, unmounts what is mounted under it and removes it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/common/files.h"

namespace spindle::shim_test {

using std::chrono::milliseconds;

std::string ShimBinary();
std::string SpindleBinary();
std::string SourceDir();    // tests/shim in the source tree
std::string Spin1Guest();   // the Spin 1 test guest (answers /hello with "hello")

// Why these tests cannot run here ("" when they can): they need root,
// containerd and ctr.
std::string SkipReason();

struct ProcessResult {
  int status = -1;  // exit status; 128 + N when killed by signal N
  bool timed_out = false;
  std::string out, err;
  std::string Describe() const;
};

// Runs `argv` (argv[0] looked up on PATH) to completion, bounded by `timeout`.
ProcessResult RunCommand(const std::vector<std::string>& argv, milliseconds timeout = milliseconds(30000));

// A child process running in the background with stdout and stderr in a
// file; stopped (SIGTERM, then SIGKILL) and reaped by Stop or the destructor.
class Background {
 public:
  Background() = default;
  ~Background() { Stop(); }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  bool Start(const std::vector<std::string>& argv, const std::string& output_path);
  // Waits (bounded) for the process to exit by itself; its status as in
  // ProcessResult, or -1 if it is still running.
  int Wait(milliseconds timeout);
  void Stop();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

int FreeTcpPort();
using test_support::ReadFile;
using test_support::WriteFile;

// `curl` (optionally prefixed, e.g. by nsenter) until it answers or the
// time runs out; returns "<status> <body>", or "" if nothing answered.
std::string HttpGet(const std::string& url, const std::vector<std::string>& prefix = {},
                    milliseconds timeout = milliseconds(15000));

// Writes spin.toml + the Spin 1 guest under `dir` and packs it with
// `spindle build --image OUT --name NAME --format FORMAT` ("scratch": the
// app's files as they are; "locked": /spin.json + /sha256/<hex>); false
// with the reason in `error`.
bool BuildAppImage(const std::string& dir, const std::string& out, const std::string& name,
                   std::string& error, const std::string& format = "scratch");

class Containerd {
 public:
  Containerd() = default;
  ~Containerd();
  Containerd(const Containerd&) = delete;
  Containerd& operator=(const Containerd&) = delete;

  // Writes the config and starts containerd; waits (bounded) until ctr
  // reaches it. `cri`: the CRI plugin on, with runtime handler "spin" mapped
  // to the shim by absolute path and a local pause image. `cni_bridge`
  // (CRI only): pods get a network from Debian's CNI plugins, a bridge of
  // that name on 10.231.0.0/24, deleted again by the destructor.
  bool Start(bool cri, std::string& error, const std::string& cni_bridge = "");

  const std::string& dir() const { return dir_; }
  std::string socket() const { return dir_ + "/c.sock"; }

  ProcessResult Ctr(const std::vector<std::string>& args, const std::string& ns = "default",
                    milliseconds timeout = milliseconds(30000)) const;

  // Live processes of the shim binary that belong to this instance.
  std::vector<pid_t> ShimProcesses() const;
  // Mount points under dir().
  std::vector<std::string> Mounts() const;
  // Waits (bounded) until no shim process of this instance is left.
  bool WaitNoShims(milliseconds timeout = milliseconds(10000)) const;

 private:
  std::string dir_;
  std::string cni_bridge_;
  Background daemon_;
};

}  // namespace spindle::shim_test
