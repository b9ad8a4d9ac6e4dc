#include "shim/namespaces.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spindle::shim {
namespace {

int CloneFlag(const std::string& type) {
  if (type == "network") return CLONE_NEWNET;
  if (type == "ipc") return CLONE_NEWIPC;
  if (type == "uts") return CLONE_NEWUTS;
  return 0;
}

Status SystemError(const std::string& what) {
  return MakeError(Phase::kIo, what + ": " + std::strerror(errno));
}

// A new network namespace starts with its loopback down.
Status BringUpLoopback() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SystemError("socket");
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  Status result = Ok();
  if (ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
    result = SystemError("reading the flags of lo");
  } else {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
    if (ioctl(fd, SIOCSIFFLAGS, &request) != 0) result = SystemError("bringing up lo");
  }
  close(fd);
  return result;
}

}  // namespace

Status EnterNamespaces(const std::vector<NamespaceSpec>& namespaces, const std::string& hostname) {
  for (const NamespaceSpec& ns : namespaces) {
    const int flag = CloneFlag(ns.type);
    if (flag == 0) continue;
    if (!ns.path.empty()) {
      const int fd = open(ns.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return SystemError("cannot open the " + ns.type + " namespace " + ns.path);
      const int joined = setns(fd, flag);
      const int error = errno;
      close(fd);
      if (joined != 0) {
        errno = error;
        return SystemError("cannot join the " + ns.type + " namespace " + ns.path);
      }
      continue;
    }
    if (unshare(flag) != 0) return SystemError("cannot create a " + ns.type + " namespace");
    if (flag == CLONE_NEWNET) SPINDLE_TRY(BringUpLoopback());
    if (flag == CLONE_NEWUTS && !hostname.empty() &&
        sethostname(hostname.data(), hostname.size()) != 0) {
      return SystemError("cannot set the hostname");
    }
  }
  return Ok();
}

}  // namespace spindle::shim
