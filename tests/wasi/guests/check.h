/* Shared helpers for the WASI conformance guests.
 *
 * Every check prints one line: "ok <name>" or "FAIL <name>: <detail>". A guest
 * ends with check_finish(), which prints a summary line and returns the exit
 * status (0 when nothing failed, 1 otherwise). Lines starting with "info " are
 * observations that are not judged (behaviour the spec leaves open).
 *
 * The guests call the raw wasi_snapshot_preview1 imports (<wasi/api.h>) rather
 * than libc wherever libc would hide or translate the host's answer. */
#ifndef SPINDLE_WASI_GUEST_CHECK_H
#define SPINDLE_WASI_GUEST_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

/* Every helper is static and may go unused in a given guest. */
#define GUEST_FN static __attribute__((unused))

/* Line-buffered stdout, so that a guest that hangs or traps has still shown
 * every check it got through. */
__attribute__((constructor)) static void line_buffered_stdout(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
}

static int g_checks;
static int g_failures;

static const char* const kErrnoNames[] = {
    "SUCCESS",     "2BIG",         "ACCES",          "ADDRINUSE",  "ADDRNOTAVAIL",
    "AFNOSUPPORT", "AGAIN",        "ALREADY",        "BADF",       "BADMSG",
    "BUSY",        "CANCELED",     "CHILD",          "CONNABORTED", "CONNREFUSED",
    "CONNRESET",   "DEADLK",       "DESTADDRREQ",    "DOM",        "DQUOT",
    "EXIST",       "FAULT",        "FBIG",           "HOSTUNREACH", "IDRM",
    "ILSEQ",       "INPROGRESS",   "INTR",           "INVAL",      "IO",
    "ISCONN",      "ISDIR",        "LOOP",           "MFILE",      "MLINK",
    "MSGSIZE",     "MULTIHOP",     "NAMETOOLONG",    "NETDOWN",    "NETRESET",
    "NETUNREACH",  "NFILE",        "NOBUFS",         "NODEV",      "NOENT",
    "NOEXEC",      "NOLCK",        "NOLINK",         "NOMEM",      "NOMSG",
    "NOPROTOOPT",  "NOSPC",        "NOSYS",          "NOTCONN",    "NOTDIR",
    "NOTEMPTY",    "NOTRECOVERABLE", "NOTSOCK",      "NOTSUP",     "NOTTY",
    "NXIO",        "OVERFLOW",     "OWNERDEAD",      "PERM",       "PIPE",
    "PROTO",       "PROTONOSUPPORT", "PROTOTYPE",    "RANGE",      "ROFS",
    "SPIPE",       "SRCH",         "STALE",          "TIMEDOUT",   "TXTBSY",
    "XDEV",        "NOTCAPABLE",
};

GUEST_FN const char* errno_name(__wasi_errno_t e) {
  static char unknown[24];
  if (e < sizeof kErrnoNames / sizeof kErrnoNames[0]) return kErrnoNames[e];
  snprintf(unknown, sizeof unknown, "errno#%u", (unsigned)e);
  return unknown;
}

GUEST_FN void pass(const char* name) {
  ++g_checks;
  printf("ok %s\n", name);
}

GUEST_FN __attribute__((format(printf, 2, 3))) void fail(const char* name, const char* fmt, ...) {
  ++g_checks;
  ++g_failures;
  printf("FAIL %s: ", name);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

GUEST_FN __attribute__((format(printf, 1, 2))) void info(const char* fmt, ...) {
  printf("info ");
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

/* Passes when `cond`; otherwise fails with the formatted detail. */
GUEST_FN __attribute__((format(printf, 3, 4))) int check(const char* name, int cond, const char* fmt, ...) {
  if (cond) {
    pass(name);
    return 1;
  }
  ++g_checks;
  ++g_failures;
  printf("FAIL %s: ", name);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  return 0;
}

GUEST_FN int check_errno(const char* name, __wasi_errno_t got, __wasi_errno_t want) {
  return check(name, got == want, "expected %s got %s", errno_name(want), errno_name(got));
}

/* The call must succeed. */
GUEST_FN int check_ok(const char* name, __wasi_errno_t got) {
  return check(name, got == __WASI_ERRNO_SUCCESS, "expected SUCCESS got %s", errno_name(got));
}

/* Passes when `got` is one of the `count` errnos in `accepted`. */
GUEST_FN int check_errno_in(const char* name, __wasi_errno_t got, const __wasi_errno_t* accepted,
                          size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (got == accepted[i]) {
      ++g_checks;
      printf("ok %s (%s)\n", name, errno_name(got)); /* which of the accepted answers */
      return 1;
    }
  }
  char want[256] = "";
  for (size_t i = 0; i < count; ++i) {
    if (i) strncat(want, " or ", sizeof want - strlen(want) - 1);
    strncat(want, errno_name(accepted[i]), sizeof want - strlen(want) - 1);
  }
  fail(name, "expected %s got %s", want, errno_name(got));
  return 0;
}

#define CHECK_ERRNO_IN(name, got, ...)                                                    \
  check_errno_in((name), (got), (const __wasi_errno_t[]){__VA_ARGS__},                     \
                 sizeof((const __wasi_errno_t[]){__VA_ARGS__}) / sizeof(__wasi_errno_t))

GUEST_FN int check_u64(const char* name, uint64_t got, uint64_t want) {
  return check(name, got == want, "expected %llu got %llu", (unsigned long long)want,
               (unsigned long long)got);
}

GUEST_FN int check_bytes(const char* name, const void* got, size_t got_len, const void* want,
                       size_t want_len) {
  if (got_len == want_len && memcmp(got, want, want_len) == 0) {
    pass(name);
    return 1;
  }
  fail(name, "expected %zu bytes \"%.*s\" got %zu bytes \"%.*s\"", want_len, (int)want_len,
       (const char*)want, got_len, (int)got_len, (const char*)got);
  return 0;
}

GUEST_FN int check_str(const char* name, const void* got, size_t got_len, const char* want) {
  return check_bytes(name, got, got_len, want, strlen(want));
}

GUEST_FN int check_finish(void) {
  printf("summary: %d checks, %d failed\n", g_checks, g_failures);
  fflush(stdout);
  return g_failures == 0 ? 0 : 1;
}

/* ---- Rights ------------------------------------------------------------- */

#define RIGHTS_ALL ((__wasi_rights_t)0x3fffffff) /* bits 0..29 */
#define RIGHTS_FILE_READ                                                                    \
  (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |                    \
   __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_ADVISE | \
   __WASI_RIGHTS_POLL_FD_READWRITE)
#define RIGHTS_FILE_WRITE                                                                    \
  (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_SYNC |              \
   __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |                          \
   __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)
#define RIGHTS_FILE_RW (RIGHTS_FILE_READ | RIGHTS_FILE_WRITE)
#define RIGHTS_DIR                                                                           \
  (__WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_CREATE_FILE |                    \
   __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET | __WASI_RIGHTS_PATH_OPEN | \
   __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_RENAME_SOURCE | \
   __WASI_RIGHTS_PATH_RENAME_TARGET | __WASI_RIGHTS_PATH_FILESTAT_GET |                       \
   __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE | __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES |             \
   __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |                      \
   __WASI_RIGHTS_PATH_SYMLINK | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY |                         \
   __WASI_RIGHTS_PATH_UNLINK_FILE)

/* ---- Small wrappers over the raw calls ------------------------------------ */

/* Rights for a descriptor opened under `dir`, as wasi-libc computes them: the
 * wanted base rights limited to what `dir` passes on, and everything `dir`
 * passes on as inheriting rights. */
GUEST_FN void rights_under(__wasi_fd_t dir, __wasi_rights_t want, __wasi_rights_t* base,
                           __wasi_rights_t* inheriting) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(dir, &st) == 0) {
    *base = want & st.fs_rights_inheriting;
    *inheriting = st.fs_rights_inheriting;
  } else {
    *base = want;
    *inheriting = want;
  }
}

GUEST_FN __wasi_errno_t open_at_flags(__wasi_fd_t dir, __wasi_lookupflags_t lookup,
                                      const char* path, __wasi_oflags_t oflags,
                                      __wasi_rights_t want, __wasi_fdflags_t fdflags,
                                      __wasi_fd_t* out) {
  __wasi_rights_t base, inheriting;
  rights_under(dir, want, &base, &inheriting);
  return __wasi_path_open(dir, lookup, path, oflags, base, inheriting, fdflags, out);
}

GUEST_FN __wasi_errno_t open_at(__wasi_fd_t dir, const char* path, __wasi_oflags_t oflags,
                                __wasi_rights_t want, __wasi_fdflags_t fdflags,
                                __wasi_fd_t* out) {
  return open_at_flags(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, want, fdflags, out);
}

GUEST_FN __wasi_errno_t open_dir(__wasi_fd_t dir, const char* path, __wasi_fd_t* out) {
  return open_at(dir, path, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, out);
}

GUEST_FN __wasi_errno_t write_all(__wasi_fd_t fd, const void* data, size_t len) {
  const uint8_t* p = (const uint8_t*)data;
  while (len > 0) {
    __wasi_ciovec_t iov = {p, len};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
    if (e) return e;
    if (n == 0) return __WASI_ERRNO_IO;
    p += n;
    len -= n;
  }
  return 0;
}

/* Reads until EOF or `cap` bytes. */
GUEST_FN __wasi_errno_t read_all(__wasi_fd_t fd, void* buf, size_t cap, size_t* got) {
  uint8_t* p = (uint8_t*)buf;
  *got = 0;
  while (*got < cap) {
    __wasi_iovec_t iov = {p + *got, cap - *got};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &n);
    if (e) return e;
    if (n == 0) break;
    *got += n;
  }
  return 0;
}

/* Creates (or truncates) `path` under `dir` with `data`. */
GUEST_FN __wasi_errno_t put_file(__wasi_fd_t dir, const char* path, const char* data) {
  __wasi_fd_t fd;
  __wasi_errno_t e = open_at(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_FILE_RW,
                             0, &fd);
  if (e) return e;
  e = write_all(fd, data, strlen(data));
  __wasi_errno_t c = __wasi_fd_close(fd);
  return e ? e : c;
}

/* Reads `path` under `dir` into buf (NUL-terminated). */
GUEST_FN __wasi_errno_t get_file(__wasi_fd_t dir, const char* path, char* buf, size_t cap,
                               size_t* got) {
  __wasi_fd_t fd;
  __wasi_errno_t e = open_at(dir, path, 0, RIGHTS_FILE_READ, 0, &fd);
  if (e) return e;
  e = read_all(fd, buf, cap - 1, got);
  buf[e ? 0 : *got] = 0;
  __wasi_errno_t c = __wasi_fd_close(fd);
  return e ? e : c;
}

GUEST_FN __wasi_errno_t stat_at(__wasi_fd_t dir, const char* path, int follow,
                              __wasi_filestat_t* st) {
  return __wasi_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, st);
}

GUEST_FN int exists_at(__wasi_fd_t dir, const char* path) {
  __wasi_filestat_t st;
  return stat_at(dir, path, 0, &st) == 0;
}

GUEST_FN uint64_t now_ns(__wasi_clockid_t clock) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(clock, 1, &t) != 0) return 0;
  return t;
}

/* Sleeps on a relative monotonic clock subscription. */
GUEST_FN __wasi_errno_t sleep_ns(uint64_t ns) {
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.userdata = 0x51ee9;
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = ns;
  __wasi_event_t ev;
  __wasi_size_t n = 0;
  return __wasi_poll_oneoff(&sub, &ev, 1, &n);
}

/* The descriptor of the pre-opened directory named `name` (as --dir's GUEST
 * part), found by walking prestat from fd 3 until EBADF; -1 if absent. */
GUEST_FN int find_preopen(const char* name) {
  for (__wasi_fd_t fd = 3; fd < 256; ++fd) {
    __wasi_prestat_t pre;
    __wasi_errno_t e = __wasi_fd_prestat_get(fd, &pre);
    if (e == __WASI_ERRNO_BADF) break;
    if (e != 0 || pre.tag != __WASI_PREOPENTYPE_DIR) continue;
    char buf[512];
    if (pre.u.dir.pr_name_len >= sizeof buf) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t*)buf, pre.u.dir.pr_name_len) != 0) continue;
    buf[pre.u.dir.pr_name_len] = 0;
    if (strcmp(buf, name) == 0) return (int)fd;
  }
  return -1;
}

#endif /* SPINDLE_WASI_GUEST_CHECK_H */
