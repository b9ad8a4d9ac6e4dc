/* path_* functions inside one writable pre-open.
 *
 * Usage: path.wasm PREOPEN   (e.g. path.wasm /sandbox)
 * Works in a fresh "path" directory under the pre-open. */
#include "check.h"

static __wasi_fd_t work;

static __wasi_filetype_t type_at(const char* path, int follow) {
  __wasi_filestat_t st;
  if (stat_at(work, path, follow, &st) != 0) return 0xff;
  return st.filetype;
}

static int content_is(const char* path, const char* want) {
  char buf[256];
  size_t got = 0;
  if (get_file(work, path, buf, sizeof buf, &got) != 0) return 0;
  return got == strlen(want) && memcmp(buf, want, got) == 0;
}

static void setup(void) {
  (void)__wasi_path_create_directory(work, "sub");
  put_file(work, "sub/nested.txt", "nested");
  put_file(work, "file.txt", "file content");
  put_file(work, "target.txt", "target content");
}

static void test_open_oflags(void) {
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  check_errno("open_missing", open_at(work, "missing.txt", 0, RIGHTS_FILE_READ, 0, &fd),
              __WASI_ERRNO_NOENT);
  check_errno("open_empty_path", open_at(work, "", 0, RIGHTS_FILE_READ, 0, &fd),
              __WASI_ERRNO_NOENT);

  if (check_ok("open_creat_new", open_at(work, "new.txt", __WASI_OFLAGS_CREAT, RIGHTS_FILE_RW, 0,
                                         &fd))) {
    write_all(fd, "fresh", 5);
    (void)__wasi_fd_close(fd);
  }
  check("open_creat_new_exists", content_is("new.txt", "fresh"), "content differs");
  if (check_ok("open_creat_existing",
               open_at(work, "new.txt", __WASI_OFLAGS_CREAT, RIGHTS_FILE_RW, 0, &fd)))
    (void)__wasi_fd_close(fd);
  check("open_creat_existing_keeps_content", content_is("new.txt", "fresh"), "content changed");
  check_errno("open_creat_excl_existing",
              open_at(work, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_FILE_RW, 0,
                      &fd),
              __WASI_ERRNO_EXIST);
  if (check_ok("open_creat_excl_new", open_at(work, "excl.txt",
                                              __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                                              RIGHTS_FILE_RW, 0, &fd)))
    (void)__wasi_fd_close(fd);
  check("open_creat_excl_new_exists", exists_at(work, "excl.txt"), "not created");
  put_file(work, "trunc.txt", "some content");
  if (check_ok("open_trunc",
               open_at(work, "trunc.txt", __WASI_OFLAGS_TRUNC, RIGHTS_FILE_RW, 0, &fd))) {
    if (__wasi_fd_filestat_get(fd, &st) == 0) check_u64("open_trunc_size", st.size, 0);
    (void)__wasi_fd_close(fd);
  }
  if (check_ok("open_creat_trunc", open_at(work, "file.txt",
                                           __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                                           RIGHTS_FILE_RW, 0, &fd))) {
    write_all(fd, "file content", 12);
    (void)__wasi_fd_close(fd);
  }

  if (check_ok("open_directory_flag_on_dir",
               open_at(work, "sub", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &fd))) {
    __wasi_fdstat_t fst;
    if (__wasi_fd_fdstat_get(fd, &fst) == 0)
      check_u64("open_directory_filetype", fst.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    (void)__wasi_fd_close(fd);
  }
  check_errno("open_directory_flag_on_file",
              open_at(work, "file.txt", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &fd),
              __WASI_ERRNO_NOTDIR);
  check_errno("open_directory_flag_missing",
              open_at(work, "nodir", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &fd),
              __WASI_ERRNO_NOENT);
  if (check_ok("open_dir_without_directory_flag",
               open_at(work, "sub", 0, RIGHTS_FILE_READ | RIGHTS_DIR, 0, &fd))) {
    __wasi_fdstat_t fst;
    if (__wasi_fd_fdstat_get(fd, &fst) == 0)
      check_u64("open_dir_without_flag_filetype", fst.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    (void)__wasi_fd_close(fd);
  }
  check_errno("open_dir_for_writing", open_at(work, "sub", 0, RIGHTS_FILE_RW, 0, &fd),
              __WASI_ERRNO_ISDIR);
  check_errno("open_creat_on_existing_dir",
              open_at(work, "sub", __WASI_OFLAGS_CREAT, RIGHTS_FILE_RW, 0, &fd),
              __WASI_ERRNO_ISDIR);
  check_errno("open_through_a_file", open_at(work, "file.txt/x", 0, RIGHTS_FILE_READ, 0, &fd),
              __WASI_ERRNO_NOTDIR);
  char long_name[300];
  memset(long_name, 'n', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = 0;
  check_errno("open_name_too_long",
              open_at(work, long_name, __WASI_OFLAGS_CREAT, RIGHTS_FILE_RW, 0, &fd),
              __WASI_ERRNO_NAMETOOLONG);

  if (check_ok("open_dot", open_dir(work, ".", &fd))) (void)__wasi_fd_close(fd);
  if (check_ok("open_dot_components", open_at(work, "./sub/./nested.txt", 0, RIGHTS_FILE_READ,
                                              0, &fd)))
    (void)__wasi_fd_close(fd);
  if (check_ok("open_double_slash", open_at(work, "sub//nested.txt", 0, RIGHTS_FILE_READ, 0,
                                            &fd)))
    (void)__wasi_fd_close(fd);
  if (check_ok("open_dotdot_inside", open_at(work, "sub/../file.txt", 0, RIGHTS_FILE_READ, 0,
                                             &fd)))
    (void)__wasi_fd_close(fd);
}

static void test_open_fdflags(void) {
  __wasi_fd_t fd;
  __wasi_fdstat_t fst;
  put_file(work, "append.txt", "abc");
  if (check_ok("open_fdflag_append", open_at(work, "append.txt", 0, RIGHTS_FILE_RW,
                                             __WASI_FDFLAGS_APPEND, &fd))) {
    if (__wasi_fd_fdstat_get(fd, &fst) == 0)
      check("open_fdflag_append_visible", (fst.fs_flags & __WASI_FDFLAGS_APPEND) != 0,
            "flags 0x%x", fst.fs_flags);
    write_all(fd, "def", 3);
    (void)__wasi_fd_close(fd);
  }
  check("open_fdflag_append_appends", content_is("append.txt", "abcdef"), "content differs");

  static const struct {
    const char* name;
    __wasi_fdflags_t flag;
  } flags[] = {{"dsync", __WASI_FDFLAGS_DSYNC},
               {"sync", __WASI_FDFLAGS_SYNC},
               {"nonblock", __WASI_FDFLAGS_NONBLOCK}};
  for (size_t i = 0; i < 3; ++i) {
    char name[64];
    snprintf(name, sizeof name, "open_fdflag_%s", flags[i].name);
    if (check_ok(name, open_at(work, "append.txt", 0, RIGHTS_FILE_RW, flags[i].flag, &fd))) {
      snprintf(name, sizeof name, "open_fdflag_%s_writes", flags[i].name);
      __wasi_ciovec_t iov = {(const uint8_t*)"x", 1};
      __wasi_size_t n = 0;
      check_ok(name, __wasi_fd_pwrite(fd, &iov, 1, 0, &n));
      if (__wasi_fd_fdstat_get(fd, &fst) == 0) {
        snprintf(name, sizeof name, "open_fdflag_%s_visible", flags[i].name);
        check(name, (fst.fs_flags & flags[i].flag) != 0, "flags 0x%x", fst.fs_flags);
      }
      (void)__wasi_fd_close(fd);
    }
  }
  /* RSYNC has no Linux meaning of its own; a host may refuse it. */
  __wasi_errno_t e = open_at(work, "append.txt", 0, RIGHTS_FILE_RW, __WASI_FDFLAGS_RSYNC, &fd);
  CHECK_ERRNO_IN("open_fdflag_rsync", e, __WASI_ERRNO_SUCCESS, __WASI_ERRNO_NOTSUP,
                 __WASI_ERRNO_INVAL);
  if (e == 0) (void)__wasi_fd_close(fd);
}

static void test_directories(void) {
  __wasi_fd_t fd;
  check_ok("create_directory", __wasi_path_create_directory(work, "d1"));
  check_u64("create_directory_type", type_at("d1", 0), __WASI_FILETYPE_DIRECTORY);
  check_errno("create_directory_exists", __wasi_path_create_directory(work, "d1"),
              __WASI_ERRNO_EXIST);
  check_errno("create_directory_over_file", __wasi_path_create_directory(work, "file.txt"),
              __WASI_ERRNO_EXIST);
  check_errno("create_directory_missing_parent", __wasi_path_create_directory(work, "no/such"),
              __WASI_ERRNO_NOENT);
  check_ok("create_directory_nested", __wasi_path_create_directory(work, "d1/d2"));
  put_file(work, "d1/d2/f", "x");

  check_errno("remove_directory_not_empty", __wasi_path_remove_directory(work, "d1"),
              __WASI_ERRNO_NOTEMPTY);
  check_errno("remove_directory_on_file", __wasi_path_remove_directory(work, "file.txt"),
              __WASI_ERRNO_NOTDIR);
  check_errno("remove_directory_missing", __wasi_path_remove_directory(work, "nodir"),
              __WASI_ERRNO_NOENT);
  (void)__wasi_path_unlink_file(work, "d1/d2/f");
  check_ok("remove_directory_nested", __wasi_path_remove_directory(work, "d1/d2"));
  check_ok("remove_directory", __wasi_path_remove_directory(work, "d1"));
  check("remove_directory_gone", !exists_at(work, "d1"), "still there");

  /* A directory cannot remove itself through ".". */
  (void)__wasi_path_create_directory(work, "selfrm");
  if (open_dir(work, "selfrm", &fd) == 0) {
    CHECK_ERRNO_IN("remove_directory_dot", __wasi_path_remove_directory(fd, "."),
                   __WASI_ERRNO_INVAL, __WASI_ERRNO_BUSY, __WASI_ERRNO_NOTCAPABLE,
                   __WASI_ERRNO_PERM, __WASI_ERRNO_NOENT);
    check("remove_directory_dot_kept", exists_at(work, "selfrm"), "directory removed");
    (void)__wasi_fd_close(fd);
  }
}

static void test_unlink(void) {
  put_file(work, "victim.txt", "x");
  check_ok("unlink_file", __wasi_path_unlink_file(work, "victim.txt"));
  check("unlink_file_gone", !exists_at(work, "victim.txt"), "still there");
  check_errno("unlink_missing", __wasi_path_unlink_file(work, "victim.txt"), __WASI_ERRNO_NOENT);
  CHECK_ERRNO_IN("unlink_directory", __wasi_path_unlink_file(work, "sub"), __WASI_ERRNO_ISDIR,
                 __WASI_ERRNO_PERM);
  check("unlink_directory_kept", type_at("sub", 0) == __WASI_FILETYPE_DIRECTORY, "dir gone");

  check_ok("unlink_symlink_setup", __wasi_path_symlink("target.txt", work, "tolink"));
  check_ok("unlink_symlink", __wasi_path_unlink_file(work, "tolink"));
  check("unlink_symlink_keeps_target", content_is("target.txt", "target content"),
        "target changed");
  check_ok("unlink_dangling_setup", __wasi_path_symlink("nowhere", work, "dangling"));
  check_ok("unlink_dangling_symlink", __wasi_path_unlink_file(work, "dangling"));
  check("unlink_dangling_gone", !exists_at(work, "dangling"), "still there");
}

static void test_rename(void) {
  __wasi_fd_t fd;
  put_file(work, "r1.txt", "one");
  check_ok("rename_file", __wasi_path_rename(work, "r1.txt", work, "r2.txt"));
  check("rename_file_moved", !exists_at(work, "r1.txt") && content_is("r2.txt", "one"),
        "not moved");
  put_file(work, "r3.txt", "three");
  check_ok("rename_file_over_file", __wasi_path_rename(work, "r3.txt", work, "r2.txt"));
  check("rename_file_over_file_replaced", !exists_at(work, "r3.txt") && content_is("r2.txt", "three"),
        "not replaced");
  check_ok("rename_to_itself", __wasi_path_rename(work, "r2.txt", work, "r2.txt"));
  check("rename_to_itself_kept", content_is("r2.txt", "three"), "file lost");
  check_errno("rename_missing", __wasi_path_rename(work, "nope", work, "nope2"), __WASI_ERRNO_NOENT);

  (void)__wasi_path_create_directory(work, "rd1");
  put_file(work, "rd1/inner", "in");
  check_ok("rename_dir", __wasi_path_rename(work, "rd1", work, "rd2"));
  check("rename_dir_moved", !exists_at(work, "rd1") && content_is("rd2/inner", "in"), "not moved");
  (void)__wasi_path_create_directory(work, "rd_empty");
  check_ok("rename_dir_over_empty_dir", __wasi_path_rename(work, "rd2", work, "rd_empty"));
  check("rename_dir_over_empty_dir_moved", content_is("rd_empty/inner", "in"), "not moved");
  (void)__wasi_path_create_directory(work, "rd3");
  CHECK_ERRNO_IN("rename_dir_over_nonempty_dir", __wasi_path_rename(work, "rd3", work, "rd_empty"),
                 __WASI_ERRNO_NOTEMPTY, __WASI_ERRNO_EXIST);
  check_errno("rename_file_over_dir", __wasi_path_rename(work, "r2.txt", work, "rd3"),
              __WASI_ERRNO_ISDIR);
  check_errno("rename_dir_over_file", __wasi_path_rename(work, "rd3", work, "r2.txt"),
              __WASI_ERRNO_NOTDIR);
  check_errno("rename_dir_into_itself", __wasi_path_rename(work, "rd_empty", work, "rd_empty/x"),
              __WASI_ERRNO_INVAL);

  /* Between two directory descriptors. */
  if (open_dir(work, "sub", &fd) == 0) {
    check_ok("rename_across_fds", __wasi_path_rename(work, "r2.txt", fd, "moved.txt"));
    check("rename_across_fds_moved", content_is("sub/moved.txt", "three"), "not moved");
    check_ok("rename_across_fds_back", __wasi_path_rename(fd, "moved.txt", work, "r2.txt"));
    (void)__wasi_fd_close(fd);
  }
}

static void test_symlink_readlink(void) {
  __wasi_fd_t fd;
  char buf[64];
  __wasi_size_t n = 0;
  check_ok("symlink", __wasi_path_symlink("target.txt", work, "sl"));
  check_u64("symlink_nofollow_type", type_at("sl", 0), __WASI_FILETYPE_SYMBOLIC_LINK);
  check_u64("symlink_follow_type", type_at("sl", 1), __WASI_FILETYPE_REGULAR_FILE);
  check("symlink_open_follows", content_is("sl", "target content"), "content differs");
  check_errno("symlink_over_existing", __wasi_path_symlink("target.txt", work, "file.txt"),
              __WASI_ERRNO_EXIST);
  check_errno("symlink_over_existing_link", __wasi_path_symlink("x", work, "sl"),
              __WASI_ERRNO_EXIST);
  check_ok("symlink_dangling", __wasi_path_symlink("does-not-exist", work, "sl_dangling"));
  check_errno("open_dangling_symlink",
              open_at(work, "sl_dangling", 0, RIGHTS_FILE_READ, 0, &fd), __WASI_ERRNO_NOENT);
  check_ok("symlink_to_dir", __wasi_path_symlink("sub", work, "sl_dir"));
  check("symlink_to_dir_traversed", content_is("sl_dir/nested.txt", "nested"), "content differs");
  check_ok("symlink_loop_a", __wasi_path_symlink("loop_b", work, "loop_a"));
  check_ok("symlink_loop_b", __wasi_path_symlink("loop_a", work, "loop_b"));
  check_errno("open_symlink_loop", open_at(work, "loop_a", 0, RIGHTS_FILE_READ, 0, &fd),
              __WASI_ERRNO_LOOP);
  check_errno("open_symlink_nofollow",
              open_at_flags(work, 0, "sl", 0, RIGHTS_FILE_READ, 0, &fd), __WASI_ERRNO_LOOP);
  /* A symlink inside a directory, relative to that directory. */
  check_ok("symlink_in_subdir", __wasi_path_symlink("nested.txt", work, "sub/sl_nested"));
  check("symlink_in_subdir_relative", content_is("sub/sl_nested", "nested"), "content differs");
  check_ok("symlink_with_dotdot", __wasi_path_symlink("../target.txt", work, "sub/sl_up"));
  check("symlink_with_dotdot_inside", content_is("sub/sl_up", "target content"),
        "content differs");

  memset(buf, 0x7e, sizeof buf);
  check_ok("readlink", __wasi_path_readlink(work, "sl", (uint8_t*)buf, sizeof buf, &n));
  check_str("readlink_content", buf, n, "target.txt");
  check("readlink_no_nul", (uint8_t)buf[n] == 0x7e, "wrote a terminator");
  memset(buf, 0x7e, sizeof buf);
  check_ok("readlink_small_buffer", __wasi_path_readlink(work, "sl", (uint8_t*)buf, 3, &n));
  check_str("readlink_small_buffer_truncates", buf, n, "tar");
  check("readlink_small_buffer_no_overrun", (uint8_t)buf[3] == 0x7e, "wrote past the buffer");
  check_ok("readlink_dangling",
           __wasi_path_readlink(work, "sl_dangling", (uint8_t*)buf, sizeof buf, &n));
  check_str("readlink_dangling_content", buf, n, "does-not-exist");
  check_errno("readlink_not_a_link",
              __wasi_path_readlink(work, "file.txt", (uint8_t*)buf, sizeof buf, &n),
              __WASI_ERRNO_INVAL);
  check_errno("readlink_missing",
              __wasi_path_readlink(work, "missing", (uint8_t*)buf, sizeof buf, &n),
              __WASI_ERRNO_NOENT);
}

static void test_link(void) {
  __wasi_filestat_t a, b;
  put_file(work, "orig.txt", "original");
  check_ok("link", __wasi_path_link(work, 0, "orig.txt", work, "hard.txt"));
  if (stat_at(work, "orig.txt", 0, &a) == 0 && stat_at(work, "hard.txt", 0, &b) == 0) {
    check_u64("link_nlink", a.nlink, 2);
    check("link_same_inode", a.ino == b.ino, "inodes differ");
  } else {
    fail("link_stat", "stat failed");
  }
  put_file(work, "hard.txt", "changed");
  check("link_shares_data", content_is("orig.txt", "changed"), "content differs");
  check_errno("link_over_existing", __wasi_path_link(work, 0, "orig.txt", work, "file.txt"),
              __WASI_ERRNO_EXIST);
  check_errno("link_missing_source", __wasi_path_link(work, 0, "nope", work, "nope2"),
              __WASI_ERRNO_NOENT);
  CHECK_ERRNO_IN("link_directory", __wasi_path_link(work, 0, "sub", work, "sub_link"),
                 __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE);
  check_ok("unlink_one_link", __wasi_path_unlink_file(work, "hard.txt"));
  if (stat_at(work, "orig.txt", 0, &a) == 0) check_u64("unlink_one_link_nlink", a.nlink, 1);

  /* Without SYMLINK_FOLLOW the link names the symlink itself. */
  (void)__wasi_path_symlink("target.txt", work, "sl_for_link");
  check_ok("link_symlink_nofollow", __wasi_path_link(work, 0, "sl_for_link", work, "sl_hard"));
  check_u64("link_symlink_nofollow_type", type_at("sl_hard", 0), __WASI_FILETYPE_SYMBOLIC_LINK);
}

static void test_filestat(void) {
  __wasi_filestat_t st;
  if (check_ok("path_filestat_file", stat_at(work, "target.txt", 1, &st))) {
    check_u64("path_filestat_file_type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    check_u64("path_filestat_file_size", st.size, 14);
  }
  if (check_ok("path_filestat_dir", stat_at(work, "sub", 1, &st)))
    check_u64("path_filestat_dir_type", st.filetype, __WASI_FILETYPE_DIRECTORY);
  if (check_ok("path_filestat_symlink_follow", stat_at(work, "sl", 1, &st))) {
    check_u64("path_filestat_symlink_follow_type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    check_u64("path_filestat_symlink_follow_size", st.size, 14);
  }
  if (check_ok("path_filestat_symlink_nofollow", stat_at(work, "sl", 0, &st))) {
    check_u64("path_filestat_symlink_nofollow_type", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
    check_u64("path_filestat_symlink_nofollow_size", st.size, strlen("target.txt"));
  }
  check_errno("path_filestat_missing", stat_at(work, "missing", 0, &st), __WASI_ERRNO_NOENT);
  check_errno("path_filestat_dangling_follow", stat_at(work, "sl_dangling", 1, &st),
              __WASI_ERRNO_NOENT);
  check_ok("path_filestat_dangling_nofollow", stat_at(work, "sl_dangling", 0, &st));
  check_ok("path_filestat_dot", stat_at(work, ".", 0, &st));

  /* set_times by path. */
  const __wasi_timestamp_t T1 = 1600000000ull * 1000000000ull;
  const __wasi_timestamp_t T2 = 1500000000ull * 1000000000ull;
  const __wasi_fstflags_t both = __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM;
  check_ok("path_set_times", __wasi_path_filestat_set_times(work, 0, "file.txt", T1, T2, both));
  if (stat_at(work, "file.txt", 0, &st) == 0) {
    check_u64("path_set_times_atim", st.atim, T1);
    check_u64("path_set_times_mtim", st.mtim, T2);
  }
  check_ok("path_set_times_mtim_only",
           __wasi_path_filestat_set_times(work, 0, "file.txt", 0, T1, __WASI_FSTFLAGS_MTIM));
  if (stat_at(work, "file.txt", 0, &st) == 0) {
    check_u64("path_set_times_mtim_only_atim", st.atim, T1);
    check_u64("path_set_times_mtim_only_mtim", st.mtim, T1);
  }
  const uint64_t lo = now_ns(__WASI_CLOCKID_REALTIME) - 5000000000ull;
  check_ok("path_set_times_now",
           __wasi_path_filestat_set_times(work, 0, "file.txt", 0, 0,
                                          __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
  const uint64_t hi = now_ns(__WASI_CLOCKID_REALTIME) + 5000000000ull;
  if (stat_at(work, "file.txt", 0, &st) == 0)
    check("path_set_times_now_value", st.mtim >= lo && st.mtim <= hi && st.atim >= lo && st.atim <= hi,
          "atim %llu mtim %llu", (unsigned long long)st.atim, (unsigned long long)st.mtim);

  /* Follow sets the target; no-follow sets the link itself. */
  check_ok("path_set_times_follow",
           __wasi_path_filestat_set_times(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sl", T2, T2, both));
  if (stat_at(work, "target.txt", 0, &st) == 0) check_u64("path_set_times_follow_target", st.mtim, T2);
  check_ok("path_set_times_nofollow",
           __wasi_path_filestat_set_times(work, 0, "sl", T1, T1, both));
  if (stat_at(work, "sl", 0, &st) == 0) check_u64("path_set_times_nofollow_link", st.mtim, T1);
  if (stat_at(work, "target.txt", 0, &st) == 0)
    check_u64("path_set_times_nofollow_target_unchanged", st.mtim, T2);

  check_errno("path_set_times_atim_and_now",
              __wasi_path_filestat_set_times(work, 0, "file.txt", T1, 0,
                                             __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
              __WASI_ERRNO_INVAL);
  check_errno("path_set_times_mtim_and_now",
              __wasi_path_filestat_set_times(work, 0, "file.txt", 0, T1,
                                             __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
              __WASI_ERRNO_INVAL);
  check_errno("path_set_times_missing",
              __wasi_path_filestat_set_times(work, 0, "missing", T1, T1, both), __WASI_ERRNO_NOENT);
}

static void test_trailing_slashes(void) {
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  if (check_ok("slash_open_dir", open_at(work, "sub/", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &fd)))
    (void)__wasi_fd_close(fd);
  if (check_ok("slash_open_dir_without_flag", open_at(work, "sub/", 0, RIGHTS_FILE_READ, 0, &fd)))
    (void)__wasi_fd_close(fd);
  check_errno("slash_open_file", open_at(work, "file.txt/", 0, RIGHTS_FILE_READ, 0, &fd),
              __WASI_ERRNO_NOTDIR);
  CHECK_ERRNO_IN("slash_open_creat",
                 open_at(work, "slashnew/", __WASI_OFLAGS_CREAT, RIGHTS_FILE_RW, 0, &fd),
                 __WASI_ERRNO_ISDIR, __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT, __WASI_ERRNO_INVAL);
  check("slash_open_creat_no_file", !exists_at(work, "slashnew"), "file created");
  check_ok("slash_create_directory", __wasi_path_create_directory(work, "sd/"));
  check_u64("slash_create_directory_type", type_at("sd", 0), __WASI_FILETYPE_DIRECTORY);
  if (check_ok("slash_filestat_dir", stat_at(work, "sub/", 0, &st)))
    check_u64("slash_filestat_dir_type", st.filetype, __WASI_FILETYPE_DIRECTORY);
  check_errno("slash_filestat_file", stat_at(work, "file.txt/", 0, &st), __WASI_ERRNO_NOTDIR);
  /* A trailing slash resolves a symlink to a directory even without follow. */
  if (check_ok("slash_filestat_symlink_dir_nofollow", stat_at(work, "sl_dir/", 0, &st)))
    check_u64("slash_filestat_symlink_dir_type", st.filetype, __WASI_FILETYPE_DIRECTORY);
  check_errno("slash_unlink_file", __wasi_path_unlink_file(work, "file.txt/"), __WASI_ERRNO_NOTDIR);
  check("slash_unlink_file_kept", exists_at(work, "file.txt"), "file removed");
  check_errno("slash_rename_file_to_slash", __wasi_path_rename(work, "file.txt", work, "fx/"),
              __WASI_ERRNO_NOTDIR);
  check("slash_rename_file_kept", exists_at(work, "file.txt") && !exists_at(work, "fx"),
        "file moved");
  check_errno("slash_rename_file_from_slash", __wasi_path_rename(work, "file.txt/", work, "fx"),
              __WASI_ERRNO_NOTDIR);
  check_ok("slash_rename_dir", __wasi_path_rename(work, "sd/", work, "sd2/"));
  check_u64("slash_rename_dir_moved", type_at("sd2", 0), __WASI_FILETYPE_DIRECTORY);
  check_ok("slash_remove_directory", __wasi_path_remove_directory(work, "sd2/"));
  check("slash_remove_directory_gone", !exists_at(work, "sd2"), "still there");
}

int main(int argc, char** argv) {
  if (argc < 2) {
    printf("FAIL usage: path.wasm PREOPEN\n");
    return 2;
  }
  int pre = find_preopen(argv[1]);
  if (!check("find_preopen", pre >= 0, "no pre-open named %s", argv[1])) return check_finish();
  (void)__wasi_path_create_directory((__wasi_fd_t)pre, "path");
  if (!check_ok("open_work_dir", open_dir((__wasi_fd_t)pre, "path", &work))) return check_finish();
  setup();
  test_open_oflags();
  test_open_fdflags();
  test_directories();
  test_unlink();
  test_rename();
  test_symlink_readlink();
  test_link();
  test_filestat();
  test_trailing_slashes();
  return check_finish();
}
