// Putting the calling process into the container's namespaces, as runc
// would: join the ones config.json names by path (a CRI pod's, through the
// sandbox process), create the ones it lists without a path. Only network,
// IPC and UTS namespaces are applied; see docs/shim.md for the others.
//
// REQUIRES: the process has one thread (setns and unshare act on the
// calling thread, and threads created later inherit its namespaces).
#pragma once

#include <string>
#include <vector>

#include "engine/base/result.h"
#include "shim/oci_spec.h"

namespace spindle::shim {

Status EnterNamespaces(const std::vector<NamespaceSpec>& namespaces, const std::string& hostname);

}  // namespace spindle::shim
