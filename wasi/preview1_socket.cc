// sock_* functions on pre-opened listening sockets and the connections
// accepted from them.
#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

#include "wasi/preview1_internal.h"
#include "wasi/wasi_types.h"

namespace spindle::wasi {

namespace {

Errno LookupSocket(Env& env, uint32_t fd, uint64_t rights, Descriptor*& out) {
  out = env.fds().Get(fd);
  if (!out) return kBadf;
  if (out->kind != DescriptorKind::kSocket && out->kind != DescriptorKind::kListener) {
    return kNotSock;
  }
  if (!out->Has(rights)) return kNotCapable;
  return kSuccess;
}

uint32_t SockAccept(Env& env, uint32_t fd, uint32_t flags, uint32_t out) {
  Descriptor* listener;
  if (const Errno error = LookupSocket(env, fd, kRightSockAccept, listener)) return error;
  if (listener->kind != DescriptorKind::kListener) return kInval;
  if (flags & ~uint32_t{kFdflagNonblock}) return kInval;
  if (env.fds().open_count() >= kMaxOpenDescriptors) return kMfile;
  const bool listener_blocks = !(listener->fdflags & kFdflagNonblock);
  if (listener_blocks && !WaitReadable(env, listener->host_fd)) return kIntr;
  const int accepted = accept4(listener->host_fd, nullptr, nullptr,
                               SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (accepted < 0) {
    return errno == EWOULDBLOCK ? kAgain : FromHostErrno(errno);
  }
  if (!(flags & kFdflagNonblock)) {
    const int current = fcntl(accepted, F_GETFL);
    if (current >= 0) fcntl(accepted, F_SETFL, current & ~O_NONBLOCK);
  }
  Descriptor connection;
  connection.kind = DescriptorKind::kSocket;
  connection.host_fd = accepted;
  connection.owns_host_fd = true;
  connection.filetype = kFiletypeSocketStream;
  connection.rights_base = kSocketRights & listener->rights_inheriting;
  connection.fdflags = static_cast<uint16_t>(flags);
  const uint32_t number = env.fds().Insert(std::move(connection));
  if (!env.memory.Write<uint32_t>(out, number)) {
    env.fds().Close(number);
    return kFault;
  }
  return kSuccess;
}

uint32_t SockRecv(Env& env, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t flags,
                  uint32_t datalen_out, uint32_t oflags_out) {
  Descriptor* socket;
  if (const Errno error = LookupSocket(env, fd, kRightFdRead, socket)) return error;
  if (socket->kind != DescriptorKind::kSocket) return kNotConn;
  if (flags & ~uint32_t{kRiflagRecvPeek | kRiflagRecvWaitall}) return kInval;
  std::vector<iovec> vectors;
  if (const Errno error = GatherIovecs(env.memory, iovs, count, vectors)) return error;
  if (!(socket->fdflags & kFdflagNonblock) && !WaitReadable(env, socket->host_fd)) return kIntr;
  msghdr message{};
  message.msg_iov = vectors.data();
  message.msg_iovlen = vectors.size();
  int host_flags = 0;
  if (flags & kRiflagRecvPeek) host_flags |= MSG_PEEK;
  if (flags & kRiflagRecvWaitall) host_flags |= MSG_WAITALL;
  ssize_t got;
  do {
    got = recvmsg(socket->host_fd, &message, host_flags);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return FromHostErrno(errno);
  const uint16_t out_flags = (message.msg_flags & MSG_TRUNC) ? kRoflagRecvDataTruncated : 0;
  if (!env.memory.Write<uint32_t>(datalen_out, static_cast<uint32_t>(got)) ||
      !env.memory.Write<uint16_t>(oflags_out, out_flags)) {
    return kFault;
  }
  return kSuccess;
}

uint32_t SockSend(Env& env, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t flags,
                  uint32_t datalen_out) {
  Descriptor* socket;
  if (const Errno error = LookupSocket(env, fd, kRightFdWrite, socket)) return error;
  if (socket->kind != DescriptorKind::kSocket) return kNotConn;
  if (flags != 0) return kInval;  // siflags has no flags defined
  std::vector<iovec> vectors;
  if (const Errno error = GatherIovecs(env.memory, iovs, count, vectors)) return error;
  msghdr message{};
  message.msg_iov = vectors.data();
  message.msg_iovlen = vectors.size();
  ssize_t sent;
  do {
    sent = sendmsg(socket->host_fd, &message, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return FromHostErrno(errno);
  return env.memory.Write<uint32_t>(datalen_out, static_cast<uint32_t>(sent)) ? kSuccess
                                                                             : kFault;
}

uint32_t SockShutdown(Env& env, uint32_t fd, uint32_t how) {
  Descriptor* socket;
  if (const Errno error = LookupSocket(env, fd, kRightSockShutdown, socket)) return error;
  if (socket->kind != DescriptorKind::kSocket) return kNotConn;
  int host_how;
  switch (how) {
    case kSdflagRd: host_how = SHUT_RD; break;
    case kSdflagWr: host_how = SHUT_WR; break;
    case kSdflagRd | kSdflagWr: host_how = SHUT_RDWR; break;
    default: return kInval;
  }
  if (shutdown(socket->host_fd, host_how) != 0) return FromHostErrno(errno);
  return kSuccess;
}

}  // namespace

Status AddSocketFunctions(Linker& linker, ContextOf context_of) {
  SPINDLE_TRY(Define(linker, "sock_accept", context_of, &SockAccept));
  SPINDLE_TRY(Define(linker, "sock_recv", context_of, &SockRecv));
  SPINDLE_TRY(Define(linker, "sock_send", context_of, &SockSend));
  return Define(linker, "sock_shutdown", context_of, &SockShutdown);
}

}  // namespace spindle::wasi
