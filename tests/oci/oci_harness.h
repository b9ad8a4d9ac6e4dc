// Helpers for the OCI end-to-end tests: a private docker-registry on a free
// loopback port (storage in a temp dir, bounded start-up wait, killed and
// reaped by the destructor), external tools run with a deadline, and a
// sample app (a WAGI guest that serves its `files`).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/http/http_harness.h"

namespace spindle::oci_test {

using http_test::ProcessResult;
using std::chrono::milliseconds;

std::string AssetGuestPath();

// The absolute path of `name` on $PATH, or "".
std::string FindTool(const std::string& name);

// Runs argv (argv[0] looked up on $PATH) to completion within `timeout`.
ProcessResult RunTool(const std::vector<std::string>& argv,
                      milliseconds timeout = milliseconds(60000));

// Points $HOME, $XDG_CACHE_HOME and $XDG_CONFIG_HOME into `dir`, so
// no test reads or writes the user's real credentials and cache.
void IsolateEnvironment(const std::string& dir);

class Registry {
 public:
  Registry() = default;
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Starts `docker-registry serve` and waits (at most 15 s) for GET /v2/
  // to answer (200, or 401 when `extra_config` adds an auth section).
  bool Start(std::string& error, const std::string& extra_config = "");
  void Stop();
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  http_test::TempDir dir_;
  std::string data_dir_;
};

// A free TCP port on 127.0.0.1 (bound and released: good enough for tests).
int FreePort();

// Writes a v2 app into `dir` (returned: the manifest path):
//   route /... -> asset_guest.wasm (WAGI) at bin/asset_guest.wasm
//   files = [{ source = "static", destination = "/static" }, "small.txt"]
//   exclude_files = ["static/secret/*"]
// static/hello.txt holds kHelloText (over 128 bytes: a data layer),
// small.txt holds kSmallText (inlined), static/secret/key.txt is excluded.
std::string WriteAssetApp(const std::string& dir, const std::string& version = "1.2.0");

extern const char kHelloText[];
extern const char kSmallText[];

}  // namespace spindle::oci_test
