/* stdin, stdout and stderr.
 *
 * Usage: stdio.wasm STDIN_LENGTH STDIN_FNV1A64
 * The host feeds STDIN_LENGTH bytes (any values, NULs included) on a pipe and
 * closes it; stdout and stderr are pipes it reads separately. Besides the
 * check lines, stdout carries:
 *   "raw stdout via fd_write\n", "gather:abc\n", "libc stdout\n",
 *   "big:" + 70000 'z' + "\n"
 * and stderr carries exactly "raw stderr via fd_write\nlibc stderr\n". */
#include <errno.h>
#include <unistd.h>

#include "check.h"

static uint64_t fnv1a(uint64_t h, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

static void test_stdin(uint64_t want_len, uint64_t want_hash) {
  static uint8_t a[1000], b[3000];
  uint64_t len = 0, hash = 0xcbf29ce484222325ull;
  int reads = 0;
  __wasi_errno_t e = 0;
  for (;;) {
    __wasi_iovec_t iov[2] = {{a, sizeof a}, {b, sizeof b}};
    __wasi_size_t n = 0;
    e = __wasi_fd_read(0, iov, 2, &n);
    if (e) break;
    if (n == 0) break;
    ++reads;
    size_t first = n < sizeof a ? n : sizeof a;
    hash = fnv1a(hash, a, first);
    hash = fnv1a(hash, b, n - first);
    len += n;
  }
  check_ok("stdin_read_until_eof", e);
  check_u64("stdin_length", len, want_len);
  check("stdin_content", hash == want_hash, "fnv1a 0x%016llx, expected 0x%016llx",
        (unsigned long long)hash, (unsigned long long)want_hash);
  if (want_len > sizeof a + sizeof b)
    check("stdin_several_reads", reads >= 2, "%d reads", reads);
  __wasi_iovec_t iov = {a, sizeof a};
  __wasi_size_t n = 99;
  check_ok("stdin_read_after_eof", __wasi_fd_read(0, &iov, 1, &n));
  check_u64("stdin_read_after_eof_is_zero", n, 0);
}

static void test_stdout_stderr(void) {
  __wasi_size_t n = 0;
  const char* raw = "raw stdout via fd_write\n";
  __wasi_ciovec_t iov = {(const uint8_t*)raw, strlen(raw)};
  fflush(stdout);
  check_ok("fd_write_stdout", __wasi_fd_write(1, &iov, 1, &n));
  check_u64("fd_write_stdout_count", n, strlen(raw));
  __wasi_ciovec_t gather[3] = {{(const uint8_t*)"gather:", 7}, {(const uint8_t*)"ab", 2},
                               {(const uint8_t*)"c\n", 2}};
  check_ok("fd_write_stdout_gather", __wasi_fd_write(1, gather, 3, &n));
  check_u64("fd_write_stdout_gather_count", n, 11);
  printf("libc stdout\n");

  /* More than a pipe holds: the host must keep draining while we write. */
  static char big[70006];
  memcpy(big, "big:", 4);
  memset(big + 4, 'z', 70000);
  big[70004] = '\n';
  fflush(stdout);
  check_ok("fd_write_stdout_big", write_all(1, big, 70005));

  const char* err = "raw stderr via fd_write\n";
  __wasi_ciovec_t eiov = {(const uint8_t*)err, strlen(err)};
  check_ok("fd_write_stderr", __wasi_fd_write(2, &eiov, 1, &n));
  check_u64("fd_write_stderr_count", n, strlen(err));
  fprintf(stderr, "libc stderr\n");
  fflush(stderr);
  __wasi_ciovec_t empty = {(const uint8_t*)"", 0};
  check_ok("fd_write_stdout_empty", __wasi_fd_write(1, &empty, 1, &n));
  check_u64("fd_write_stdout_empty_count", n, 0);
}

static void test_properties(void) {
  for (int fd = 0; fd < 3; ++fd) {
    char name[64];
    errno = 0;
    int tty = isatty(fd);
    snprintf(name, sizeof name, "isatty_%d_false", fd);
    check(name, tty == 0, "isatty(%d) = %d", fd, tty);
    snprintf(name, sizeof name, "isatty_%d_errno", fd);
    check(name, errno == ENOTTY, "errno %d", errno);
    __wasi_fdstat_t st;
    snprintf(name, sizeof name, "fdstat_get_%d", fd);
    if (check_ok(name, __wasi_fd_fdstat_get((__wasi_fd_t)fd, &st))) {
      snprintf(name, sizeof name, "fdstat_%d_rights", fd);
      __wasi_rights_t need = fd == 0 ? __WASI_RIGHTS_FD_READ : __WASI_RIGHTS_FD_WRITE;
      check(name, (st.fs_rights_base & need) == need, "base 0x%llx",
            (unsigned long long)st.fs_rights_base);
      snprintf(name, sizeof name, "fdstat_%d_not_a_terminal", fd);
      check(name, st.fs_filetype != __WASI_FILETYPE_CHARACTER_DEVICE, "filetype %u",
            st.fs_filetype);
      info("fd %d filetype %u", fd, st.fs_filetype);
    }
  }
  __wasi_filesize_t pos;
  __wasi_size_t n;
  uint8_t buf[4];
  __wasi_ciovec_t ciov = {(const uint8_t*)"x", 1};
  __wasi_iovec_t iov = {buf, sizeof buf};
  CHECK_ERRNO_IN("seek_stdin", __wasi_fd_seek(0, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_SPIPE,
                 __WASI_ERRNO_NOTCAPABLE);
  CHECK_ERRNO_IN("tell_stdout", __wasi_fd_tell(1, &pos), __WASI_ERRNO_SPIPE,
                 __WASI_ERRNO_NOTCAPABLE);
  CHECK_ERRNO_IN("pwrite_stdout", __wasi_fd_pwrite(1, &ciov, 1, 0, &n), __WASI_ERRNO_SPIPE,
                 __WASI_ERRNO_NOTCAPABLE);
  CHECK_ERRNO_IN("pread_stdin", __wasi_fd_pread(0, &iov, 1, 0, &n), __WASI_ERRNO_SPIPE,
                 __WASI_ERRNO_NOTCAPABLE);
  CHECK_ERRNO_IN("write_stdin", __wasi_fd_write(0, &ciov, 1, &n), __WASI_ERRNO_BADF,
                 __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_PERM);
  CHECK_ERRNO_IN("read_stdout", __wasi_fd_read(1, &iov, 1, &n), __WASI_ERRNO_BADF,
                 __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_PERM);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    printf("FAIL usage: stdio.wasm STDIN_LENGTH STDIN_FNV1A64\n");
    return 2;
  }
  test_stdin(strtoull(argv[1], NULL, 10), strtoull(argv[2], NULL, 10));
  test_stdout_stderr();
  test_properties();
  return check_finish();
}
