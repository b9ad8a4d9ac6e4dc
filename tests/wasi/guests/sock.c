/* sock_accept, sock_recv, sock_send, sock_shutdown.
 *
 * Usage: sock.wasm serve          (run with --tcplisten 127.0.0.1:PORT)
 *        sock.wasm notsock PREOPEN
 *
 * serve talks to the host test like this:
 *   guest: non-blocking accepts answer EAGAIN, then prints "listening"
 *   host:  connects and sends "ping from host"
 *   guest: accepts, peeks, reads the 14 bytes, sends "pong:ping from host"
 *          with sock_send and "|fd_write" with fd_write, shuts down writing
 *   host:  reads that up to EOF, sends "bye" and closes
 *   guest: reads "bye" up to EOF, shuts down reading, closes.
 * Every wait in the guest is bounded (10 s). */
#include "check.h"

#define MS 1000000ull
#define PING "ping from host"

static int deadline_passed(uint64_t start) {
  return now_ns(__WASI_CLOCKID_MONOTONIC) - start > 10000 * MS;
}

static int find_listener(void) {
  for (__wasi_fd_t fd = 3; fd < 64; ++fd) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM)
      return (int)fd;
  }
  return -1;
}

/* sock_recv, retrying EAGAIN until data, EOF or the deadline. */
static __wasi_errno_t recv_some(__wasi_fd_t fd, uint8_t* buf, size_t cap, __wasi_riflags_t flags,
                                __wasi_size_t* n, __wasi_roflags_t* ro) {
  uint64_t start = now_ns(__WASI_CLOCKID_MONOTONIC);
  for (;;) {
    __wasi_iovec_t iov = {buf, cap};
    __wasi_errno_t e = __wasi_sock_recv(fd, &iov, 1, flags, n, ro);
    if (e != __WASI_ERRNO_AGAIN || deadline_passed(start)) return e;
    (void)sleep_ns(2 * MS);
  }
}

static void serve(void) {
  int found = find_listener();
  if (!check("find_listener", found >= 0, "no SOCKET_STREAM descriptor in 3..63")) return;
  __wasi_fd_t lfd = (__wasi_fd_t)found;
  __wasi_prestat_t pre;
  check_errno("listener_is_not_a_preopen", __wasi_fd_prestat_get(lfd, &pre), __WASI_ERRNO_BADF);
  __wasi_fdstat_t st;
  if (check_ok("listener_fdstat", __wasi_fd_fdstat_get(lfd, &st)))
    check("listener_can_accept", (st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT) != 0,
          "base 0x%llx", (unsigned long long)st.fs_rights_base);

  check_ok("listener_set_nonblock", __wasi_fd_fdstat_set_flags(lfd, __WASI_FDFLAGS_NONBLOCK));
  __wasi_fd_t conn = 0;
  check_errno("accept_nobody_waiting", __wasi_sock_accept(lfd, 0, &conn), __WASI_ERRNO_AGAIN);
  check_errno("accept_nonblock_nobody_waiting",
              __wasi_sock_accept(lfd, __WASI_FDFLAGS_NONBLOCK, &conn), __WASI_ERRNO_AGAIN);
  printf("listening\n");
  fflush(stdout);

  __wasi_errno_t e;
  uint64_t start = now_ns(__WASI_CLOCKID_MONOTONIC);
  while ((e = __wasi_sock_accept(lfd, __WASI_FDFLAGS_NONBLOCK, &conn)) == __WASI_ERRNO_AGAIN &&
         !deadline_passed(start)) {
    (void)sleep_ns(2 * MS);
  }
  if (!check_ok("accept", e)) return;
  if (check_ok("conn_fdstat", __wasi_fd_fdstat_get(conn, &st))) {
    check_u64("conn_filetype", st.fs_filetype, __WASI_FILETYPE_SOCKET_STREAM);
    check("conn_nonblock_from_accept_flags", (st.fs_flags & __WASI_FDFLAGS_NONBLOCK) != 0,
          "flags 0x%x", st.fs_flags);
  }
  check_errno("conn_is_not_a_preopen", __wasi_fd_prestat_get(conn, &pre), __WASI_ERRNO_BADF);

  /* Peek, then read the same bytes. */
  uint8_t buf[64];
  __wasi_size_t n = 0;
  __wasi_roflags_t ro = 0xffff;
  if (check_ok("recv_peek", recv_some(conn, buf, sizeof buf, __WASI_RIFLAGS_RECV_PEEK, &n, &ro))) {
    check("recv_peek_data", n > 0 && n <= strlen(PING) && memcmp(buf, PING, n) == 0,
          "peeked %u bytes \"%.*s\"", (unsigned)n, (int)n, (const char*)buf);
    check_u64("recv_peek_roflags", ro, 0);
  }
  size_t got = 0;
  e = 0;
  while (got < strlen(PING) && e == 0) {
    /* Two buffers: scatter reads work on sockets too. */
    uint8_t* p = buf + got;
    __wasi_iovec_t iov[2] = {{p, 4}, {p + 4, sizeof buf - got - 4}};
    uint64_t t = now_ns(__WASI_CLOCKID_MONOTONIC);
    for (;;) {
      e = __wasi_sock_recv(conn, iov, 2, 0, &n, &ro);
      if (e != __WASI_ERRNO_AGAIN || deadline_passed(t)) break;
      (void)sleep_ns(2 * MS);
    }
    if (e == 0 && n == 0) break;
    got += n;
  }
  check_ok("recv", e);
  check_str("recv_data", buf, got, PING);

  const char* pong = "pong:";
  __wasi_ciovec_t out[2] = {{(const uint8_t*)pong, 5}, {buf, got}};
  e = __wasi_sock_send(conn, out, 2, 0, &n);
  check_ok("send", e);
  check_u64("send_count", n, 5 + got);
  __wasi_ciovec_t tail = {(const uint8_t*)"|fd_write", 9};
  check_ok("fd_write_on_socket", __wasi_fd_write(conn, &tail, 1, &n));
  check_ok("shutdown_write", __wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR));
  check_errno("send_after_shutdown", __wasi_sock_send(conn, out, 1, 0, &n), __WASI_ERRNO_PIPE);

  /* The host answers "bye" and closes. */
  got = 0;
  for (;;) {
    e = recv_some(conn, buf + got, sizeof buf - got, 0, &n, &ro);
    if (e != 0 || n == 0 || got + n >= sizeof buf) break;
    got += n;
  }
  check_ok("recv_until_eof", e);
  check_str("recv_bye", buf, got, "bye");
  check_ok("recv_at_eof", recv_some(conn, buf, sizeof buf, 0, &n, &ro));
  check_u64("recv_at_eof_is_zero", n, 0);
  CHECK_ERRNO_IN("shutdown_read", __wasi_sock_shutdown(conn, __WASI_SDFLAGS_RD),
                 __WASI_ERRNO_SUCCESS, __WASI_ERRNO_NOTCONN);
  check_ok("close_conn", __wasi_fd_close(conn));
  check_errno("recv_after_close", __wasi_sock_recv(conn, &(__wasi_iovec_t){buf, 4}, 1, 0, &n, &ro),
              __WASI_ERRNO_BADF);
  check_errno("send_after_close", __wasi_sock_send(conn, out, 1, 0, &n), __WASI_ERRNO_BADF);
  check_errno("shutdown_after_close", __wasi_sock_shutdown(conn, __WASI_SDFLAGS_RD),
              __WASI_ERRNO_BADF);
  /* The listener is still there and still has nobody waiting. */
  check_errno("accept_again_nobody_waiting", __wasi_sock_accept(lfd, 0, &conn), __WASI_ERRNO_AGAIN);
}

static void not_sockets(const char* preopen) {
  int pre = find_preopen(preopen);
  if (!check("find_preopen", pre >= 0, "no pre-open named %s", preopen)) return;
  __wasi_fd_t dir = (__wasi_fd_t)pre, file;
  put_file(dir, "plain.txt", "not a socket");
  if (!check_ok("open_file", open_at(dir, "plain.txt", 0, RIGHTS_FILE_RW, 0, &file))) return;
  uint8_t buf[16];
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_ciovec_t ciov = {buf, 1};
  __wasi_size_t n;
  __wasi_roflags_t ro;
  __wasi_fd_t out;
  const __wasi_fd_t fds[2] = {file, dir};
  const char* const kinds[2] = {"file", "dir"};
  for (int i = 0; i < 2; ++i) {
    char name[64];
    snprintf(name, sizeof name, "accept_on_%s", kinds[i]);
    check_errno(name, __wasi_sock_accept(fds[i], 0, &out), __WASI_ERRNO_NOTSOCK);
    snprintf(name, sizeof name, "recv_on_%s", kinds[i]);
    check_errno(name, __wasi_sock_recv(fds[i], &iov, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK);
    snprintf(name, sizeof name, "send_on_%s", kinds[i]);
    check_errno(name, __wasi_sock_send(fds[i], &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
    snprintf(name, sizeof name, "shutdown_on_%s", kinds[i]);
    check_errno(name, __wasi_sock_shutdown(fds[i], __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR),
                __WASI_ERRNO_NOTSOCK);
  }
  check_errno("accept_on_stdout", __wasi_sock_accept(1, 0, &out), __WASI_ERRNO_NOTSOCK);
  check_errno("accept_bad_fd", __wasi_sock_accept(9999, 0, &out), __WASI_ERRNO_BADF);
  check_errno("recv_bad_fd", __wasi_sock_recv(9999, &iov, 1, 0, &n, &ro), __WASI_ERRNO_BADF);
  check_errno("send_bad_fd", __wasi_sock_send(9999, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
  check_errno("shutdown_bad_fd", __wasi_sock_shutdown(9999, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);
  char content[32];
  size_t got = 0;
  get_file(dir, "plain.txt", content, sizeof content, &got);
  check_str("file_untouched", content, got, "not a socket");
  (void)__wasi_fd_close(file);
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "serve") == 0) {
    serve();
  } else if (strcmp(mode, "notsock") == 0 && argc > 2) {
    not_sockets(argv[2]);
  } else {
    printf("FAIL usage: sock.wasm serve | notsock PREOPEN\n");
    return 2;
  }
  return check_finish();
}
