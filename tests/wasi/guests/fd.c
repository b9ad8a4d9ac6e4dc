/* fd_* functions.
 *
 * Usage: fd.wasm PREOPEN...   (e.g. fd.wasm /sandbox /ro)
 * The listed names must be exactly the pre-opened directories, in fd order
 * from 3. The first is writable; the guest works in a fresh "fd" directory
 * under it. */
#include "check.h"

static __wasi_fd_t sb;   /* the first pre-open */
static __wasi_fd_t work; /* sb/fd */

#define NOT_OPEN_FD ((__wasi_fd_t)1234567)

static __wasi_fd_t open_rw(const char* path, const char* content) {
  __wasi_errno_t e = put_file(work, path, content);
  if (e) fail("setup", "put_file %s: %s", path, errno_name(e));
  __wasi_fd_t fd = NOT_OPEN_FD;
  e = open_at(work, path, 0, RIGHTS_FILE_RW, 0, &fd);
  if (e) fail("setup", "open %s: %s", path, errno_name(e));
  return fd;
}

static size_t pread_str(__wasi_fd_t fd, uint64_t offset, char* buf, size_t cap) {
  __wasi_iovec_t iov = {(uint8_t*)buf, cap - 1};
  __wasi_size_t n = 0;
  if (__wasi_fd_pread(fd, &iov, 1, offset, &n) != 0) n = 0;
  buf[n] = 0;
  return n;
}

static __wasi_filestat_t fstat_of(__wasi_fd_t fd) {
  __wasi_filestat_t st;
  memset(&st, 0, sizeof st);
  if (__wasi_fd_filestat_get(fd, &st) != 0) memset(&st, 0, sizeof st);
  return st;
}

static uint64_t file_size(__wasi_fd_t fd) {
  __wasi_filestat_t st;
  memset(&st, 0, sizeof st);
  if (__wasi_fd_filestat_get(fd, &st) != 0) return UINT64_MAX;
  return st.size;
}

/* ---- prestat -------------------------------------------------------------- */

static void test_prestat(int argc, char** argv) {
  int expected = argc - 1;
  int found = 0;
  __wasi_fd_t fd = 3;
  for (;; ++fd) {
    __wasi_prestat_t pre;
    __wasi_errno_t e = __wasi_fd_prestat_get(fd, &pre);
    if (e == __WASI_ERRNO_BADF) break;
    char name[64];
    snprintf(name, sizeof name, "prestat_get_fd%u", (unsigned)fd);
    if (!check_ok(name, e)) break;
    snprintf(name, sizeof name, "prestat_fd%u_is_dir", (unsigned)fd);
    check(name, pre.tag == __WASI_PREOPENTYPE_DIR, "tag %u", pre.tag);
    char path[256];
    memset(path, 0x7e, sizeof path);
    size_t len = pre.u.dir.pr_name_len;
    snprintf(name, sizeof name, "prestat_dir_name_fd%u", (unsigned)fd);
    if (len + 1 >= sizeof path) {
      fail(name, "name length %zu", len);
      break;
    }
    /* A buffer one byte larger than the name: the host writes only the name. */
    check_ok(name, __wasi_fd_prestat_dir_name(fd, (uint8_t*)path, len + 1));
    snprintf(name, sizeof name, "prestat_dir_name_fd%u_no_nul_written", (unsigned)fd);
    check(name, (uint8_t)path[len] == 0x7e, "byte after the name was overwritten");
    snprintf(name, sizeof name, "prestat_name_fd%u", (unsigned)fd);
    if (found < expected) {
      check_str(name, path, len, argv[1 + found]);
    } else {
      fail(name, "unexpected pre-open \"%.*s\"", (int)len, path);
    }
    if (len > 0) {
      snprintf(name, sizeof name, "prestat_dir_name_fd%u_short_buffer", (unsigned)fd);
      check_errno(name, __wasi_fd_prestat_dir_name(fd, (uint8_t*)path, len - 1),
                  __WASI_ERRNO_NAMETOOLONG);
    }
    ++found;
  }
  check("prestat_count", found == expected, "found %d pre-opens, expected %d", found, expected);
  check("prestat_first_is_fd3", expected == 0 || find_preopen(argv[1]) == 3, "first at fd %d",
        find_preopen(argv[1]));

  __wasi_prestat_t pre;
  for (__wasi_fd_t stdio = 0; stdio < 3; ++stdio) {
    char name[64];
    snprintf(name, sizeof name, "prestat_get_stdio%u_is_badf", (unsigned)stdio);
    check_errno(name, __wasi_fd_prestat_get(stdio, &pre), __WASI_ERRNO_BADF);
  }
  check_errno("prestat_get_not_open", __wasi_fd_prestat_get(NOT_OPEN_FD, &pre),
              __WASI_ERRNO_BADF);
  char buf[16];
  /* wasmtime answers ENOTDIR for a descriptor that is open but no pre-open. */
  CHECK_ERRNO_IN("prestat_dir_name_not_preopen",
                 __wasi_fd_prestat_dir_name(0, (uint8_t*)buf, sizeof buf), __WASI_ERRNO_BADF,
                 __WASI_ERRNO_NOTDIR);
  check_errno("prestat_dir_name_not_open",
              __wasi_fd_prestat_dir_name(NOT_OPEN_FD, (uint8_t*)buf, sizeof buf),
              __WASI_ERRNO_BADF);

  /* A directory opened with path_open is not a pre-open. */
  __wasi_fd_t dir;
  if (open_dir(sb, ".", &dir) == 0) {
    check_errno("prestat_get_opened_dir_is_badf", __wasi_fd_prestat_get(dir, &pre),
                __WASI_ERRNO_BADF);
    (void)__wasi_fd_close(dir);
  }
}

/* ---- fdstat --------------------------------------------------------------- */

static void test_fdstat(void) {
  __wasi_fdstat_t st;
  if (check_ok("fdstat_get_preopen", __wasi_fd_fdstat_get(sb, &st))) {
    check_u64("fdstat_preopen_filetype", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    const __wasi_rights_t need = __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR |
                                 __WASI_RIGHTS_PATH_CREATE_FILE |
                                 __WASI_RIGHTS_PATH_CREATE_DIRECTORY |
                                 __WASI_RIGHTS_PATH_FILESTAT_GET;
    check("fdstat_preopen_base_rights", (st.fs_rights_base & need) == need,
          "base rights 0x%llx", (unsigned long long)st.fs_rights_base);
    const __wasi_rights_t inherit = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
                                    __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET;
    check("fdstat_preopen_inheriting_rights", (st.fs_rights_inheriting & inherit) == inherit,
          "inheriting rights 0x%llx", (unsigned long long)st.fs_rights_inheriting);
  }

  __wasi_fd_t f = open_rw("fdstat.txt", "x");
  if (check_ok("fdstat_get_file", __wasi_fd_fdstat_get(f, &st))) {
    check_u64("fdstat_file_filetype", st.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
    const __wasi_rights_t need = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
                                 __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL;
    check("fdstat_file_rights", (st.fs_rights_base & need) == need, "base rights 0x%llx",
          (unsigned long long)st.fs_rights_base);
    check_u64("fdstat_file_flags", st.fs_flags, 0);
  }
  (void)__wasi_fd_close(f);

  __wasi_fd_t ro;
  if (check_ok("open_read_only", open_at(work, "fdstat.txt", 0, RIGHTS_FILE_READ, 0, &ro))) {
    if (check_ok("fdstat_get_read_only", __wasi_fd_fdstat_get(ro, &st))) {
      check("fdstat_read_only_lacks_write", (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) == 0,
            "base rights 0x%llx", (unsigned long long)st.fs_rights_base);
      check("fdstat_read_only_has_read", (st.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0,
            "base rights 0x%llx", (unsigned long long)st.fs_rights_base);
    }
    __wasi_ciovec_t iov = {(const uint8_t*)"y", 1};
    __wasi_size_t n;
    CHECK_ERRNO_IN("write_to_read_only_fd", __wasi_fd_write(ro, &iov, 1, &n),
                   __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_BADF);
    (void)__wasi_fd_close(ro);
  }

  __wasi_fd_t dir;
  if (check_ok("open_subdir", open_dir(sb, "fd", &dir))) {
    if (check_ok("fdstat_get_dir", __wasi_fd_fdstat_get(dir, &st))) {
      check_u64("fdstat_dir_filetype", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    }
    (void)__wasi_fd_close(dir);
  }
  check_errno("fdstat_get_not_open", __wasi_fd_fdstat_get(NOT_OPEN_FD, &st), __WASI_ERRNO_BADF);
}

static void test_fdstat_set_flags(void) {
  __wasi_fd_t f = open_rw("flags.txt", "abc");
  __wasi_fdstat_t st;
  __wasi_filesize_t pos;
  char buf[32];

  check_ok("set_flags_append", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND));
  if (__wasi_fd_fdstat_get(f, &st) == 0) {
    check("set_flags_append_visible", (st.fs_flags & __WASI_FDFLAGS_APPEND) != 0, "flags 0x%x",
          st.fs_flags);
  }
  (void)__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos);
  write_all(f, "Z", 1);
  check_str("set_flags_append_writes_at_end", buf, pread_str(f, 0, buf, sizeof buf), "abcZ");

  check_ok("set_flags_clear", __wasi_fd_fdstat_set_flags(f, 0));
  if (__wasi_fd_fdstat_get(f, &st) == 0) {
    check("set_flags_clear_visible", (st.fs_flags & __WASI_FDFLAGS_APPEND) == 0, "flags 0x%x",
          st.fs_flags);
  }
  (void)__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos);
  write_all(f, "y", 1);
  check_str("set_flags_cleared_writes_at_offset", buf, pread_str(f, 0, buf, sizeof buf), "ybcZ");

  check_ok("set_flags_nonblock", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_NONBLOCK));
  if (__wasi_fd_fdstat_get(f, &st) == 0) {
    check("set_flags_nonblock_visible", (st.fs_flags & __WASI_FDFLAGS_NONBLOCK) != 0,
          "flags 0x%x", st.fs_flags);
  }
  (void)__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos);
  size_t got = 0;
  read_all(f, buf, sizeof buf - 1, &got);
  check_str("set_flags_nonblock_file_still_reads", buf, got, "ybcZ");
  check_ok("set_flags_clear_nonblock", __wasi_fd_fdstat_set_flags(f, 0));

  check_errno("set_flags_not_open", __wasi_fd_fdstat_set_flags(NOT_OPEN_FD, 0), __WASI_ERRNO_BADF);
  (void)__wasi_fd_close(f);
}

static void test_fdstat_set_rights(void) {
  __wasi_fd_t f = open_rw("rights.txt", "data");
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(f, &st) != 0) {
    fail("set_rights_setup", "fdstat_get failed");
    return;
  }
  const __wasi_rights_t base = st.fs_rights_base, inheriting = st.fs_rights_inheriting;
  check_ok("set_rights_same", __wasi_fd_fdstat_set_rights(f, base, inheriting));
  check_ok("set_rights_drop_write",
           __wasi_fd_fdstat_set_rights(f, base & ~__WASI_RIGHTS_FD_WRITE, inheriting));
  if (__wasi_fd_fdstat_get(f, &st) == 0) {
    check("set_rights_drop_visible", (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) == 0,
          "base 0x%llx", (unsigned long long)st.fs_rights_base);
  }
  __wasi_ciovec_t iov = {(const uint8_t*)"q", 1};
  __wasi_size_t n;
  check_errno("write_after_dropping_right", __wasi_fd_write(f, &iov, 1, &n),
              __WASI_ERRNO_NOTCAPABLE);
  check_errno("pwrite_after_dropping_right", __wasi_fd_pwrite(f, &iov, 1, 0, &n),
              __WASI_ERRNO_NOTCAPABLE);
  char buf[16];
  check_str("read_after_dropping_write", buf, pread_str(f, 0, buf, sizeof buf), "data");
  check_errno("set_rights_add_back", __wasi_fd_fdstat_set_rights(f, base, inheriting),
              __WASI_ERRNO_NOTCAPABLE);
  /* Inheriting rights shrink and cannot grow back either. */
  const __wasi_rights_t fewer = inheriting & ~__WASI_RIGHTS_FD_READ;
  check_ok("set_rights_drop_inheriting",
           __wasi_fd_fdstat_set_rights(f, base & ~__WASI_RIGHTS_FD_WRITE, fewer));
  check_errno("set_rights_add_inheriting",
              __wasi_fd_fdstat_set_rights(f, base & ~__WASI_RIGHTS_FD_WRITE, inheriting),
              __WASI_ERRNO_NOTCAPABLE);
  (void)__wasi_fd_close(f);

  /* A directory that loses PATH_CREATE_FILE cannot create files. */
  __wasi_fd_t dir;
  if (open_dir(sb, "fd", &dir) == 0 && __wasi_fd_fdstat_get(dir, &st) == 0) {
    check_ok("set_rights_dir_drop_create",
             __wasi_fd_fdstat_set_rights(dir, st.fs_rights_base & ~__WASI_RIGHTS_PATH_CREATE_FILE,
                                         st.fs_rights_inheriting));
    __wasi_fd_t g;
    check_errno("create_without_right",
                open_at(dir, "not_created.txt", __WASI_OFLAGS_CREAT, RIGHTS_FILE_RW, 0, &g),
                __WASI_ERRNO_NOTCAPABLE);
    check("create_without_right_no_file", !exists_at(work, "not_created.txt"), "file exists");
    (void)__wasi_fd_close(dir);
  }
  check_errno("set_rights_not_open", __wasi_fd_fdstat_set_rights(NOT_OPEN_FD, 0, 0),
              __WASI_ERRNO_BADF);
}

/* ---- read / write / seek -------------------------------------------------- */

static void test_read_write_seek(void) {
  __wasi_fd_t f;
  if (!check_ok("rw_create", open_at(work, "rw.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                                     RIGHTS_FILE_RW, 0, &f)))
    return;
  __wasi_filesize_t pos = 99;
  __wasi_size_t n = 0;
  char buf[64];

  /* Gather write: two buffers. */
  __wasi_ciovec_t out[2] = {{(const uint8_t*)"01234", 5}, {(const uint8_t*)"56789", 5}};
  check_ok("write_two_iovecs", __wasi_fd_write(f, out, 2, &n));
  check_u64("write_two_iovecs_count", n, 10);
  check_ok("tell_after_write", __wasi_fd_tell(f, &pos));
  check_u64("tell_after_write_value", pos, 10);
  __wasi_ciovec_t none = {(const uint8_t*)"", 0};
  check_ok("write_zero_bytes", __wasi_fd_write(f, &none, 1, &n));
  check_u64("write_zero_bytes_count", n, 0);
  check_ok("write_no_iovecs", __wasi_fd_write(f, &none, 0, &n));

  check_ok("seek_set_0", __wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos));
  check_u64("seek_set_0_value", pos, 0);
  /* Scatter read: three buffers. */
  char a[3], b[2], c[5];
  __wasi_iovec_t in[3] = {{(uint8_t*)a, 3}, {(uint8_t*)b, 2}, {(uint8_t*)c, 5}};
  check_ok("read_three_iovecs", __wasi_fd_read(f, in, 3, &n));
  check_u64("read_three_iovecs_count", n, 10);
  memcpy(buf, a, 3);
  memcpy(buf + 3, b, 2);
  memcpy(buf + 5, c, 5);
  check_str("read_three_iovecs_data", buf, 10, "0123456789");
  check_ok("read_at_eof", __wasi_fd_read(f, in, 1, &n));
  check_u64("read_at_eof_is_zero", n, 0);

  check_ok("seek_set_4", __wasi_fd_seek(f, 4, __WASI_WHENCE_SET, &pos));
  check_u64("seek_set_4_value", pos, 4);
  __wasi_iovec_t one = {(uint8_t*)buf, 2};
  check_ok("read_after_seek", __wasi_fd_read(f, &one, 1, &n));
  check_str("read_after_seek_data", buf, n, "45");
  check_ok("seek_cur_2", __wasi_fd_seek(f, 2, __WASI_WHENCE_CUR, &pos));
  check_u64("seek_cur_2_value", pos, 8);
  check_ok("seek_cur_minus_3", __wasi_fd_seek(f, -3, __WASI_WHENCE_CUR, &pos));
  check_u64("seek_cur_minus_3_value", pos, 5);
  check_ok("seek_cur_0", __wasi_fd_seek(f, 0, __WASI_WHENCE_CUR, &pos));
  check_u64("seek_cur_0_value", pos, 5);
  check_ok("seek_end_minus_3", __wasi_fd_seek(f, -3, __WASI_WHENCE_END, &pos));
  check_u64("seek_end_minus_3_value", pos, 7);
  check_ok("tell_after_seek_end", __wasi_fd_tell(f, &pos));
  check_u64("tell_after_seek_end_value", pos, 7);

  pos = 12345;
  check_errno("seek_set_negative", __wasi_fd_seek(f, -1, __WASI_WHENCE_SET, &pos),
              __WASI_ERRNO_INVAL);
  check_errno("seek_cur_before_start", __wasi_fd_seek(f, -100, __WASI_WHENCE_CUR, &pos),
              __WASI_ERRNO_INVAL);
  check_errno("seek_end_before_start", __wasi_fd_seek(f, -11, __WASI_WHENCE_END, &pos),
              __WASI_ERRNO_INVAL);
  check_errno("seek_bad_whence", __wasi_fd_seek(f, 0, 3, &pos), __WASI_ERRNO_INVAL);
  check_ok("tell_after_failed_seeks", __wasi_fd_tell(f, &pos));
  check_u64("failed_seeks_keep_offset", pos, 7);

  /* Seeking past the end and writing leaves a hole of zeros. */
  check_ok("seek_end_plus_5", __wasi_fd_seek(f, 5, __WASI_WHENCE_END, &pos));
  check_u64("seek_end_plus_5_value", pos, 15);
  check_u64("seek_past_end_keeps_size", file_size(f), 10);
  write_all(f, "X", 1);
  check_u64("write_past_end_size", file_size(f), 16);
  size_t got = pread_str(f, 9, buf, sizeof buf);
  check_bytes("write_past_end_hole", buf, got, "9\0\0\0\0\0X", 7);

  /* pread / pwrite leave the offset alone. */
  check_ok("seek_set_2", __wasi_fd_seek(f, 2, __WASI_WHENCE_SET, &pos));
  __wasi_iovec_t pin[2] = {{(uint8_t*)a, 2}, {(uint8_t*)b, 2}};
  check_ok("pread", __wasi_fd_pread(f, pin, 2, 3, &n));
  memcpy(buf, a, 2);
  memcpy(buf + 2, b, 2);
  check_str("pread_data", buf, n, "3456");
  __wasi_ciovec_t pout = {(const uint8_t*)"ab", 2};
  check_ok("pwrite", __wasi_fd_pwrite(f, &pout, 1, 0, &n));
  check_u64("pwrite_count", n, 2);
  check_ok("tell_after_pread_pwrite", __wasi_fd_tell(f, &pos));
  check_u64("pread_pwrite_keep_offset", pos, 2);
  check_str("pwrite_data", buf, pread_str(f, 0, buf, 5), "ab23");
  check_ok("pread_past_eof", __wasi_fd_pread(f, pin, 1, 1000, &n));
  check_u64("pread_past_eof_is_zero", n, 0);
  check_ok("pwrite_past_eof", __wasi_fd_pwrite(f, &pout, 1, 20, &n));
  check_u64("pwrite_past_eof_size", file_size(f), 22);
  (void)__wasi_fd_close(f);

  /* Operations that need a file on a directory. */
  __wasi_fd_t dir;
  if (open_dir(sb, "fd", &dir) == 0) {
    CHECK_ERRNO_IN("seek_on_directory", __wasi_fd_seek(dir, 0, __WASI_WHENCE_SET, &pos),
                   __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_ISDIR,
                   __WASI_ERRNO_SPIPE);
    CHECK_ERRNO_IN("tell_on_directory", __wasi_fd_tell(dir, &pos), __WASI_ERRNO_BADF,
                   __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_ISDIR, __WASI_ERRNO_SPIPE);
    CHECK_ERRNO_IN("read_on_directory", __wasi_fd_read(dir, &one, 1, &n), __WASI_ERRNO_BADF,
                   __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_ISDIR);
    CHECK_ERRNO_IN("write_on_directory", __wasi_fd_write(dir, &pout, 1, &n), __WASI_ERRNO_BADF,
                   __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_ISDIR);
    CHECK_ERRNO_IN("pread_on_directory", __wasi_fd_pread(dir, &one, 1, 0, &n),
                   __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_ISDIR);
    (void)__wasi_fd_close(dir);
  }
}

/* ---- advise, allocate, sync ----------------------------------------------- */

static void test_advise_allocate_sync(void) {
  __wasi_fd_t f = open_rw("misc.txt", "0123456789");
  static const char* const advice[] = {"normal",   "sequential", "random",
                                       "willneed", "dontneed",   "noreuse"};
  for (__wasi_advice_t a = 0; a < 6; ++a) {
    char name[64];
    snprintf(name, sizeof name, "advise_%s", advice[a]);
    check_ok(name, __wasi_fd_advise(f, 0, 10, a));
  }
  check_ok("advise_whole_file_len_0", __wasi_fd_advise(f, 0, 0, __WASI_ADVICE_NORMAL));
  check_errno("advise_invalid", __wasi_fd_advise(f, 0, 10, 6), __WASI_ERRNO_INVAL);
  check_errno("advise_not_open", __wasi_fd_advise(NOT_OPEN_FD, 0, 10, 0), __WASI_ERRNO_BADF);

  if (check_ok("allocate_grow", __wasi_fd_allocate(f, 0, 4096))) {
    check_u64("allocate_grow_size", file_size(f), 4096);
  }
  check_ok("allocate_inside", __wasi_fd_allocate(f, 10, 10));
  check_u64("allocate_inside_keeps_size", file_size(f), 4096);
  check_ok("allocate_offset", __wasi_fd_allocate(f, 5000, 100));
  check_u64("allocate_offset_size", file_size(f), 5100);
  char buf[16];
  check_str("allocate_keeps_data", buf, pread_str(f, 0, buf, 11), "0123456789");
  check_errno("allocate_not_open", __wasi_fd_allocate(NOT_OPEN_FD, 0, 1), __WASI_ERRNO_BADF);

  check_ok("datasync", __wasi_fd_datasync(f));
  check_ok("sync", __wasi_fd_sync(f));
  check_errno("datasync_not_open", __wasi_fd_datasync(NOT_OPEN_FD), __WASI_ERRNO_BADF);
  check_errno("sync_not_open", __wasi_fd_sync(NOT_OPEN_FD), __WASI_ERRNO_BADF);
  (void)__wasi_fd_close(f);
}

/* ---- filestat ------------------------------------------------------------- */

static void test_filestat(void) {
  __wasi_fd_t f = open_rw("stat.txt", "0123456789");
  __wasi_filestat_t st, st2;
  if (check_ok("filestat_get_file", __wasi_fd_filestat_get(f, &st))) {
    check_u64("filestat_file_type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    check_u64("filestat_file_size", st.size, 10);
    check_u64("filestat_file_nlink", st.nlink, 1);
    check("filestat_file_times", st.mtim > 0 && st.atim > 0 && st.ctim > 0,
          "a=%llu m=%llu c=%llu", (unsigned long long)st.atim, (unsigned long long)st.mtim,
          (unsigned long long)st.ctim);
  }
  if (check_ok("path_filestat_same_file", stat_at(work, "stat.txt", 1, &st2))) {
    check("filestat_same_ino_and_dev", st.ino == st2.ino && st.dev == st2.dev,
          "fd ino %llu dev %llu, path ino %llu dev %llu", (unsigned long long)st.ino,
          (unsigned long long)st.dev, (unsigned long long)st2.ino, (unsigned long long)st2.dev);
  }
  if (check_ok("filestat_get_dir", __wasi_fd_filestat_get(sb, &st))) {
    check_u64("filestat_dir_type", st.filetype, __WASI_FILETYPE_DIRECTORY);
  }
  check_errno("filestat_get_not_open", __wasi_fd_filestat_get(NOT_OPEN_FD, &st),
              __WASI_ERRNO_BADF);

  /* set_size: grow (zero-filled) and shrink. */
  char buf[64];
  check_ok("set_size_grow", __wasi_fd_filestat_set_size(f, 16));
  check_u64("set_size_grow_size", file_size(f), 16);
  size_t got = pread_str(f, 8, buf, sizeof buf);
  check_bytes("set_size_grow_zero_fill", buf, got, "89\0\0\0\0\0\0", 8);
  check_ok("set_size_shrink", __wasi_fd_filestat_set_size(f, 3));
  check_u64("set_size_shrink_size", file_size(f), 3);
  check_str("set_size_shrink_data", buf, pread_str(f, 0, buf, sizeof buf), "012");
  check_ok("set_size_zero", __wasi_fd_filestat_set_size(f, 0));
  check_u64("set_size_zero_size", file_size(f), 0);
  __wasi_filesize_t pos;
  (void)__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos);
  write_all(f, "hello", 5);
  check_errno("set_size_not_open", __wasi_fd_filestat_set_size(NOT_OPEN_FD, 1), __WASI_ERRNO_BADF);
  __wasi_fd_t dir;
  if (open_dir(sb, "fd", &dir) == 0) {
    CHECK_ERRNO_IN("set_size_on_directory", __wasi_fd_filestat_set_size(dir, 1),
                   __WASI_ERRNO_BADF, __WASI_ERRNO_ISDIR, __WASI_ERRNO_NOTCAPABLE,
                   __WASI_ERRNO_INVAL);
    (void)__wasi_fd_close(dir);
  }

  /* set_times: each flag combination. Whole seconds, so hosts that pass
   * times through a double lose nothing. */
  const __wasi_timestamp_t T1 = 1600000000ull * 1000000000ull;
  const __wasi_timestamp_t T2 = 1500000000ull * 1000000000ull;
  const __wasi_timestamp_t T3 = 1400000000ull * 1000000000ull;
  check_ok("set_times_atim", __wasi_fd_filestat_set_times(f, T1, 0, __WASI_FSTFLAGS_ATIM));
  st = fstat_of(f);
  check_u64("set_times_atim_value", st.atim, T1);
  const __wasi_timestamp_t mtim_before = st.mtim;
  check("set_times_atim_leaves_mtim", st.mtim != T1, "mtim changed too");

  check_ok("set_times_mtim", __wasi_fd_filestat_set_times(f, 0, T2, __WASI_FSTFLAGS_MTIM));
  st = fstat_of(f);
  check_u64("set_times_mtim_value", st.mtim, T2);
  check_u64("set_times_mtim_leaves_atim", st.atim, T1);
  (void)mtim_before;

  check_ok("set_times_both",
           __wasi_fd_filestat_set_times(f, T3, T1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  st = fstat_of(f);
  check_u64("set_times_both_atim", st.atim, T3);
  check_u64("set_times_both_mtim", st.mtim, T1);

  check_ok("set_times_none", __wasi_fd_filestat_set_times(f, T2, T2, 0));
  st = fstat_of(f);
  check("set_times_none_changes_nothing", st.atim == T3 && st.mtim == T1, "a=%llu m=%llu",
        (unsigned long long)st.atim, (unsigned long long)st.mtim);

  const uint64_t lo = now_ns(__WASI_CLOCKID_REALTIME) - 5000000000ull;
  check_ok("set_times_atim_now", __wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_ATIM_NOW));
  st = fstat_of(f);
  uint64_t hi = now_ns(__WASI_CLOCKID_REALTIME) + 5000000000ull;
  check("set_times_atim_now_value", st.atim >= lo && st.atim <= hi, "atim %llu",
        (unsigned long long)st.atim);
  check_u64("set_times_atim_now_leaves_mtim", st.mtim, T1);

  check_ok("set_times_mtim_now", __wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  st = fstat_of(f);
  hi = now_ns(__WASI_CLOCKID_REALTIME) + 5000000000ull;
  check("set_times_mtim_now_value", st.mtim >= lo && st.mtim <= hi, "mtim %llu",
        (unsigned long long)st.mtim);

  check_ok("set_times_atim_mtim_now",
           __wasi_fd_filestat_set_times(f, T2, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM_NOW));
  st = fstat_of(f);
  check_u64("set_times_atim_mtim_now_atim", st.atim, T2);
  check_ok("set_times_both_now", __wasi_fd_filestat_set_times(
                                     f, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
  st = fstat_of(f);
  hi = now_ns(__WASI_CLOCKID_REALTIME) + 5000000000ull;
  check("set_times_both_now_value", st.atim >= lo && st.atim <= hi && st.mtim >= lo && st.mtim <= hi,
        "atim %llu mtim %llu", (unsigned long long)st.atim, (unsigned long long)st.mtim);

  check_errno("set_times_atim_and_atim_now",
              __wasi_fd_filestat_set_times(f, T1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
              __WASI_ERRNO_INVAL);
  check_errno("set_times_mtim_and_mtim_now",
              __wasi_fd_filestat_set_times(f, 0, T1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
              __WASI_ERRNO_INVAL);
  check_errno("set_times_unknown_flag", __wasi_fd_filestat_set_times(f, 0, 0, 1 << 4),
              __WASI_ERRNO_INVAL);
  check_errno("set_times_not_open",
              __wasi_fd_filestat_set_times(NOT_OPEN_FD, 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
              __WASI_ERRNO_BADF);
  if (open_dir(sb, "fd", &dir) == 0) {
    check_ok("set_times_on_directory",
             __wasi_fd_filestat_set_times(dir, T1, T2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    if (__wasi_fd_filestat_get(dir, &st) == 0) check_u64("set_times_on_directory_mtim", st.mtim, T2);
    (void)__wasi_fd_close(dir);
  }
  (void)__wasi_fd_close(f);
}

/* ---- readdir -------------------------------------------------------------- */

typedef struct {
  char name[64];
  __wasi_filetype_t type;
  __wasi_dircookie_t next;
  __wasi_inode_t ino;
} Entry;

/* Parses whole entries from a readdir buffer; returns how many. */
static size_t parse_dirents(const uint8_t* buf, size_t used, Entry* out, size_t cap) {
  size_t n = 0, off = 0;
  while (off + sizeof(__wasi_dirent_t) <= used && n < cap) {
    __wasi_dirent_t d;
    memcpy(&d, buf + off, sizeof d);
    if (off + sizeof d + d.d_namlen > used) break; /* name cut off */
    size_t len = d.d_namlen < sizeof out[n].name - 1 ? d.d_namlen : sizeof out[n].name - 1;
    memcpy(out[n].name, buf + off + sizeof d, len);
    out[n].name[len] = 0;
    out[n].type = d.d_type;
    out[n].next = d.d_next;
    out[n].ino = d.d_ino;
    ++n;
    off += sizeof d + d.d_namlen;
  }
  return n;
}

static const Entry* find_entry(const Entry* e, size_t n, const char* name) {
  for (size_t i = 0; i < n; ++i)
    if (strcmp(e[i].name, name) == 0) return &e[i];
  return NULL;
}

/* Lists `dir` with a buffer of `buf_len` bytes, resuming from the last whole
 * entry's cookie, as wasi-libc's readdir does. */
static size_t list_dir(__wasi_fd_t dir, size_t buf_len, Entry* out, size_t cap, int* rounds) {
  uint8_t* buf = malloc(buf_len);
  __wasi_dircookie_t cookie = 0;
  size_t n = 0;
  *rounds = 0;
  for (;;) {
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(dir, buf, buf_len, cookie, &used) != 0 || ++*rounds > 1000) break;
    size_t got = parse_dirents(buf, used, out + n, cap - n);
    if (got > 0) cookie = out[n + got - 1].next;
    n += got;
    if (used < buf_len) break;   /* the end of the directory */
    if (got == 0) break;         /* buffer too small for one entry */
  }
  free(buf);
  return n;
}

static void test_readdir(void) {
  check_ok("readdir_setup_mkdir", __wasi_path_create_directory(work, "rd"));
  static const char* const files[] = {"a", "bb", "ccc", "dddd"};
  for (size_t i = 0; i < 4; ++i) {
    char path[32];
    snprintf(path, sizeof path, "rd/%s", files[i]);
    put_file(work, path, "x");
  }
  (void)__wasi_path_create_directory(work, "rd/sub");
  __wasi_fd_t dir;
  if (!check_ok("readdir_open", open_dir(work, "rd", &dir))) return;

  uint8_t buf[4096];
  __wasi_size_t used = 0;
  Entry all[32];
  check_ok("readdir_full", __wasi_fd_readdir(dir, buf, sizeof buf, 0, &used));
  check("readdir_full_fits", used < sizeof buf, "used %u", (unsigned)used);
  size_t n = parse_dirents(buf, used, all, 32);
  check_u64("readdir_entry_count", n, 7);
  static const char* const names[] = {".", "..", "a", "bb", "ccc", "dddd", "sub"};
  for (size_t i = 0; i < 7; ++i) {
    char name[64];
    snprintf(name, sizeof name, "readdir_has_%s", names[i]);
    const Entry* e = find_entry(all, n, names[i]);
    if (!check(name, e != NULL, "missing")) continue;
    int is_dir = names[i][0] == '.' || strcmp(names[i], "sub") == 0;
    snprintf(name, sizeof name, "readdir_type_%s", names[i]);
    check_u64(name, e->type, is_dir ? __WASI_FILETYPE_DIRECTORY : __WASI_FILETYPE_REGULAR_FILE);
  }
  const Entry* bb = find_entry(all, n, "bb");
  __wasi_filestat_t bst;
  if (bb && stat_at(work, "rd/bb", 0, &bst) == 0)
    check("readdir_ino_matches_filestat", bb->ino == bst.ino, "d_ino %llu, filestat ino %llu",
          (unsigned long long)bb->ino, (unsigned long long)bst.ino);
  int distinct_cookies = 1;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      if (all[i].next == all[j].next) distinct_cookies = 0;
  check("readdir_cookies_distinct", distinct_cookies, "two entries share d_next");

  /* Resume after the third entry: the rest, in the same order. */
  if (n >= 4) {
    Entry rest[32];
    check_ok("readdir_resume", __wasi_fd_readdir(dir, buf, sizeof buf, all[2].next, &used));
    size_t m = parse_dirents(buf, used, rest, 32);
    check_u64("readdir_resume_count", m, n - 3);
    int same = m == n - 3;
    for (size_t i = 0; same && i < m; ++i) same = strcmp(rest[i].name, all[i + 3].name) == 0;
    check("readdir_resume_order", same, "entries after the cookie differ");
    /* Reading from the same cookie twice gives the same answer. */
    Entry again[32];
    check_ok("readdir_resume_again", __wasi_fd_readdir(dir, buf, sizeof buf, all[2].next, &used));
    size_t k = parse_dirents(buf, used, again, 32);
    check("readdir_resume_repeatable", k == m && (k == 0 || strcmp(again[0].name, rest[0].name) == 0),
          "second read differs");
  }
  if (n > 0) {
    check_ok("readdir_cookie_at_end", __wasi_fd_readdir(dir, buf, sizeof buf, all[n - 1].next, &used));
    check_u64("readdir_cookie_at_end_empty", used, 0);
  }

  /* Buffers too small for an entry are filled completely. */
  memset(buf, 0xEE, sizeof buf);
  check_ok("readdir_tiny_buffer", __wasi_fd_readdir(dir, buf, 10, 0, &used));
  check_u64("readdir_tiny_buffer_full", used, 10);
  check("readdir_tiny_buffer_no_overrun", buf[10] == 0xEE, "wrote past the buffer");
  check_ok("readdir_header_plus_0", __wasi_fd_readdir(dir, buf, sizeof(__wasi_dirent_t), 0, &used));
  check_u64("readdir_header_plus_0_full", used, sizeof(__wasi_dirent_t));
  /* Entries in order are ".", ".." or names; a 2-entry read that cuts the
   * third name short reports a full buffer. */
  if (n >= 3) {
    size_t cut = 2 * sizeof(__wasi_dirent_t) + strlen(all[0].name) + strlen(all[1].name) +
                 sizeof(__wasi_dirent_t) + 0;
    if (strlen(all[2].name) > 1) {
      cut += 1;
      check_ok("readdir_truncated_name", __wasi_fd_readdir(dir, buf, cut, 0, &used));
      check_u64("readdir_truncated_name_full", used, cut);
      Entry part[4];
      check_u64("readdir_truncated_name_whole_entries", parse_dirents(buf, used, part, 4), 2);
    }
  }

  int rounds = 0;
  Entry listed[32];
  size_t l = list_dir(dir, 40, listed, 32, &rounds);
  check_u64("readdir_loop_small_buffer_count", l, 7);
  check("readdir_loop_small_buffer_rounds", rounds >= 4, "%d rounds", rounds);
  l = list_dir(dir, 64, listed, 32, &rounds);
  check_u64("readdir_loop_64_count", l, 7);

  /* A new file shows up in the next listing (no stale cache). */
  put_file(work, "rd/eeeee", "x");
  l = list_dir(dir, sizeof buf, listed, 32, &rounds);
  check_u64("readdir_sees_new_file", l, 8);
  check("readdir_sees_new_file_name", find_entry(listed, l, "eeeee") != NULL, "eeeee missing");
  (void)__wasi_path_unlink_file(work, "rd/eeeee");
  l = list_dir(dir, sizeof buf, listed, 32, &rounds);
  check_u64("readdir_sees_removal", l, 7);

  __wasi_fd_t f = open_rw("not_a_dir.txt", "x");
  CHECK_ERRNO_IN("readdir_on_file", __wasi_fd_readdir(f, buf, sizeof buf, 0, &used),
                 __WASI_ERRNO_NOTDIR, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE);
  (void)__wasi_fd_close(f);
  check_errno("readdir_not_open", __wasi_fd_readdir(NOT_OPEN_FD, buf, sizeof buf, 0, &used),
              __WASI_ERRNO_BADF);
  (void)__wasi_fd_close(dir);
}

/* ---- renumber and close --------------------------------------------------- */

static void test_renumber_close(void) {
  __wasi_fd_t a = open_rw("ren_a.txt", "AAA");
  __wasi_fd_t b = open_rw("ren_b.txt", "BBB");
  char buf[16];
  check_ok("renumber", __wasi_fd_renumber(a, b));
  check_str("renumber_target_is_source", buf, pread_str(b, 0, buf, sizeof buf), "AAA");
  __wasi_fdstat_t st;
  check_errno("renumber_source_closed", __wasi_fd_fdstat_get(a, &st), __WASI_ERRNO_BADF);
  check_errno("renumber_from_not_open", __wasi_fd_renumber(NOT_OPEN_FD, b), __WASI_ERRNO_BADF);
  check_errno("renumber_from_closed", __wasi_fd_renumber(a, b), __WASI_ERRNO_BADF);
  check_ok("renumber_to_itself", __wasi_fd_renumber(b, b));
  check_str("renumber_to_itself_keeps_fd", buf, pread_str(b, 0, buf, sizeof buf), "AAA");

  /* Onto a number that is not open: legacy hosts and uvwasi answer EBADF,
   * wasmtime moves the descriptor. Either way the table stays consistent. */
  __wasi_fd_t c = open_rw("ren_c.txt", "CCC");
  const __wasi_fd_t spare = 4000;
  __wasi_errno_t e = __wasi_fd_renumber(c, spare);
  if (e == __WASI_ERRNO_BADF) {
    check("renumber_to_unopened_badf_keeps_source", __wasi_fd_fdstat_get(c, &st) == 0,
          "source was closed");
    (void)__wasi_fd_close(c);
  } else if (e == 0) {
    check("renumber_to_unopened_moves",
          __wasi_fd_fdstat_get(spare, &st) == 0 && __wasi_fd_fdstat_get(c, &st) != 0,
          "descriptor table inconsistent");
    (void)__wasi_fd_close(spare);
  } else {
    fail("renumber_to_unopened", "expected BADF or SUCCESS got %s", errno_name(e));
  }

  check_ok("close", __wasi_fd_close(b));
  check_errno("close_twice", __wasi_fd_close(b), __WASI_ERRNO_BADF);
  check_errno("close_not_open", __wasi_fd_close(NOT_OPEN_FD), __WASI_ERRNO_BADF);
  __wasi_iovec_t iov = {(uint8_t*)buf, 4};
  __wasi_size_t n;
  check_errno("read_after_close", __wasi_fd_read(b, &iov, 1, &n), __WASI_ERRNO_BADF);
}

/* ---- every fd_* on a descriptor that is not open -------------------------- */

static void test_bad_fds(void) {
  __wasi_fd_t f = open_rw("plain.txt", "x"), out;
  __wasi_fd_t spare = open_rw("spare.txt", "x");
  const __wasi_fd_t fds[] = {NOT_OPEN_FD, 0xffffffffu};
  for (size_t i = 0; i < 2; ++i) {
    const __wasi_fd_t bad = fds[i];
    char p[64];
    uint8_t buf[64];
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_ciovec_t ciov = {buf, 1};
    __wasi_size_t n;
    __wasi_filesize_t pos;
    __wasi_fdstat_t fst;
    __wasi_filestat_t st;
    __wasi_fd_t out;
    const char* tag = i == 0 ? "bad_fd" : "fd_max";
#define BAD(call_name, expr)                             \
  snprintf(p, sizeof p, "%s_%s", tag, call_name);       \
  check_errno(p, (expr), __WASI_ERRNO_BADF)
    BAD("read", __wasi_fd_read(bad, &iov, 1, &n));
    BAD("write", __wasi_fd_write(bad, &ciov, 1, &n));
    BAD("pread", __wasi_fd_pread(bad, &iov, 1, 0, &n));
    BAD("pwrite", __wasi_fd_pwrite(bad, &ciov, 1, 0, &n));
    BAD("seek", __wasi_fd_seek(bad, 0, __WASI_WHENCE_SET, &pos));
    BAD("tell", __wasi_fd_tell(bad, &pos));
    BAD("fdstat_get", __wasi_fd_fdstat_get(bad, &fst));
    BAD("fdstat_set_flags", __wasi_fd_fdstat_set_flags(bad, 0));
    BAD("fdstat_set_rights", __wasi_fd_fdstat_set_rights(bad, 0, 0));
    BAD("filestat_get", __wasi_fd_filestat_get(bad, &st));
    BAD("filestat_set_size", __wasi_fd_filestat_set_size(bad, 0));
    BAD("filestat_set_times", __wasi_fd_filestat_set_times(bad, 0, 0, 0));
    BAD("advise", __wasi_fd_advise(bad, 0, 0, 0));
    BAD("allocate", __wasi_fd_allocate(bad, 0, 1));
    BAD("datasync", __wasi_fd_datasync(bad));
    BAD("sync", __wasi_fd_sync(bad));
    BAD("readdir", __wasi_fd_readdir(bad, buf, sizeof buf, 0, &n));
    BAD("close", __wasi_fd_close(bad));
    BAD("renumber_from", __wasi_fd_renumber(bad, spare));
    BAD("path_open", open_at(bad, "x", 0, RIGHTS_FILE_READ, 0, &out));
    BAD("path_create_directory", __wasi_path_create_directory(bad, "x"));
    BAD("path_remove_directory", __wasi_path_remove_directory(bad, "x"));
    BAD("path_unlink_file", __wasi_path_unlink_file(bad, "x"));
    BAD("path_filestat_get", __wasi_path_filestat_get(bad, 0, "x", &st));
    BAD("path_filestat_set_times", __wasi_path_filestat_set_times(bad, 0, "x", 0, 0, 0));
    BAD("path_readlink", __wasi_path_readlink(bad, "x", buf, sizeof buf, &n));
    BAD("path_symlink", __wasi_path_symlink("t", bad, "x"));
    BAD("path_rename_from", __wasi_path_rename(bad, "x", sb, "y"));
    BAD("path_rename_to", __wasi_path_rename(work, "plain.txt", bad, "y"));
    BAD("path_link_from", __wasi_path_link(bad, 0, "x", sb, "y"));
    BAD("path_link_to", __wasi_path_link(work, 0, "plain.txt", bad, "y"));
#undef BAD
  }
  check("bad_fd_left_files_alone", exists_at(work, "plain.txt") && !exists_at(work, "y"),
        "a call with a bad descriptor changed the directory");
  (void)__wasi_fd_close(spare);
  /* path_* against a regular file rather than a directory. */
  CHECK_ERRNO_IN("path_open_relative_to_file", open_at(f, "x", 0, RIGHTS_FILE_READ, 0, &out),
                 __WASI_ERRNO_NOTDIR, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE);
  CHECK_ERRNO_IN("path_create_directory_relative_to_file", __wasi_path_create_directory(f, "x"),
                 __WASI_ERRNO_NOTDIR, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE);
  (void)__wasi_fd_close(f);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    printf("FAIL usage: fd.wasm PREOPEN...\n");
    return 2;
  }
  int fd = find_preopen(argv[1]);
  if (!check("find_preopen", fd >= 0, "no pre-open named %s", argv[1])) return check_finish();
  sb = (__wasi_fd_t)fd;
  /* First, while the only descriptors past stdio are the pre-opens. */
  test_prestat(argc, argv);
  (void)__wasi_path_create_directory(sb, "fd");
  if (!check_ok("open_work_dir", open_dir(sb, "fd", &work))) return check_finish();

  test_fdstat();
  test_fdstat_set_flags();
  test_fdstat_set_rights();
  test_read_write_seek();
  test_advise_allocate_sync();
  test_filestat();
  test_readdir();
  test_renumber_close();
  test_bad_fds();
  return check_finish();
}
