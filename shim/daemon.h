// The shim's two public actions, as containerd invokes them:
//   start:  fork a daemon that serves the Task API on a Unix socket, print
//           the socket's address ("unix:///run/spindle/s/<hash>") and exit 0.
//   delete: clean up after a shim that is gone (kill a leftover task
//           process, unmount the rootfs) and print a DeleteResponse.
#pragma once

#include "shim/flags.h"

namespace spindle::shim {

int RunStart(const ShimFlags& flags);
int RunDelete(const ShimFlags& flags);

}  // namespace spindle::shim
