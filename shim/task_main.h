// The task process: this binary re-executed by the shim with the internal
// action "task" (see task_process.h for the pipes). It enters the
// container's namespaces, then either
//   - serves the Spin app found at the root of the container's rootfs
//     (/spin.toml, or a locked /spin.json) on $SPIN_HTTP_LISTEN_ADDR
//     (default 0.0.0.0:80), or
//   - for a CRI pod sandbox, stands in for the pause process: it holds the
//     pod's namespaces until it is told to stop.
// SIGTERM or SIGINT stop it gracefully with status 0.
#pragma once

#include "shim/flags.h"

namespace spindle::shim {

int RunTask(const ShimFlags& flags);

}  // namespace spindle::shim
