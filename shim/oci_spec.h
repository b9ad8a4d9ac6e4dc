// The parts of an OCI runtime spec (bundle/config.json) the shim uses.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/base/result.h"

namespace spindle::shim {

struct NamespaceSpec {
  std::string type;  // network, ipc, uts, mount, pid, cgroup, user
  std::string path;  // empty: create a new one
};

struct OciSpec {
  std::vector<std::string> args;
  std::vector<std::string> env;  // KEY=VALUE
  std::string cwd;
  std::filesystem::path root;    // absolute (bundle-relative paths resolved)
  bool root_readonly = false;
  std::string hostname;
  std::vector<NamespaceSpec> namespaces;
  std::map<std::string, std::string> annotations;

  // A CRI pod sandbox (pause) container rather than an app container.
  bool IsSandbox() const;
  // The value of KEY in env, or `fallback`.
  std::string Env(const std::string& key, const std::string& fallback) const;
};

Result<OciSpec> ReadOciSpec(const std::filesystem::path& bundle);

}  // namespace spindle::shim
