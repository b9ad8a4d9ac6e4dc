/* Sandbox escapes, which must all fail, and the read-only mount.
 *
 * Usage: sandbox.wasm escape SANDBOX OUTSIDE_ABS
 *        sandbox.wasm ro SANDBOX RO
 *
 * The host test lays out (under a fresh temporary root):
 *   sandbox/  pre-opened as SANDBOX
 *     hello.txt               "hello, sandbox\n"
 *     sub/nested.txt          "nested\n"
 *     link_inside           -> hello.txt
 *     link_outside_abs      -> <root>/outside/secret.txt
 *     link_outside_rel      -> ../outside/secret.txt
 *     chain1 -> chain2 -> sub/chain3 -> ../../outside/secret.txt
 *     link_outside_dir      -> ../outside
 *     link_dangling_outside -> ../outside/created_via_dangling
 *     link_proc_root        -> /proc/self/root
 *     link_root             -> /
 *   outside/  not pre-opened; its absolute path is OUTSIDE_ABS
 *     secret.txt "top secret\n", outlink -> secret.txt
 *   ro/       pre-opened read-only as RO
 *     data.txt "read only data\n", emptydir/, link_in_ro -> data.txt
 * and afterwards checks that nothing outside sandbox/ changed. */
#include "check.h"

static __wasi_fd_t sb;
static const char* outside_abs = "";

/* An escape fails with ENOTCAPABLE or EPERM, or ENOENT where the host simply
 * cannot see the path; extra accepted errnos follow. */
#define DENIED(name, expr, ...)                                                      \
  CHECK_ERRNO_IN((name), (expr), __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_PERM,          \
                 __WASI_ERRNO_NOENT, ##__VA_ARGS__)

/* Opens for reading; a descriptor that should not exist is closed again and
 * what it read is printed. */
static __wasi_errno_t try_open(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char* path,
                               __wasi_oflags_t oflags, __wasi_rights_t rights) {
  __wasi_fd_t fd;
  __wasi_errno_t e = open_at_flags(dir, lookup, path, oflags, rights, 0, &fd);
  if (e == 0) {
    char buf[64];
    size_t got = 0;
    if (read_all(fd, buf, sizeof buf - 1, &got) != 0) got = 0;
    buf[got] = 0;
    printf("info opened \"%s\" (read \"%s\")\n", path, buf);
    (void)__wasi_fd_close(fd);
  }
  return e;
}

/* path_open with an explicit path length, so that a path can hold a NUL. */
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
                      int64_t base, int64_t inheriting, int32_t fdflags, int32_t out)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("path_open")));

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define OPEN_R(path) try_open(sb, FOLLOW, (path), 0, RIGHTS_FILE_READ)
#define OPEN_DIR(path) try_open(sb, FOLLOW, (path), __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR)
#define CREATE(path) try_open(sb, FOLLOW, (path), __WASI_OFLAGS_CREAT, RIGHTS_FILE_RW)

static void test_controls(void) {
  char buf[64];
  size_t got = 0;
  check_ok("control_open_hello", get_file(sb, "hello.txt", buf, sizeof buf, &got));
  check_str("control_hello_content", buf, got, "hello, sandbox\n");
  check_ok("control_open_via_inside_link", get_file(sb, "link_inside", buf, sizeof buf, &got));
  check_ok("control_dotdot_inside", get_file(sb, "sub/../hello.txt", buf, sizeof buf, &got));
  check_ok("control_dot_prefix", get_file(sb, "./hello.txt", buf, sizeof buf, &got));
  check_ok("control_nested", get_file(sb, "sub/nested.txt", buf, sizeof buf, &got));
  __wasi_filestat_t st;
  /* Looking at a symlink that points outside is fine; following it is not. */
  if (check_ok("control_stat_outside_link_nofollow", stat_at(sb, "link_outside_abs", 0, &st)))
    check_u64("control_stat_outside_link_type", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  __wasi_size_t n = 0;
  char target[512];
  if (check_ok("control_readlink_outside_link",
               __wasi_path_readlink(sb, "link_outside_rel", (uint8_t*)target, sizeof target, &n)))
    check_str("control_readlink_outside_link_content", target, n, "../outside/secret.txt");
}

static void test_escapes(void) {
  char path[600];
  /* ".." in every position. */
  DENIED("open_dotdot", OPEN_DIR(".."));
  DENIED("open_dotdot_file", OPEN_R("../outside/secret.txt"));
  DENIED("open_sub_dotdot_dotdot", OPEN_R("sub/../../outside/secret.txt"));
  DENIED("open_sub_dotdot_dotdot_dir", OPEN_DIR("sub/../.."));
  DENIED("open_dot_dotdot", OPEN_R("./../outside/secret.txt"));
  DENIED("open_zigzag_dotdot", OPEN_R("sub/../sub/../../outside/secret.txt"));
  DENIED("open_many_dotdots", OPEN_R("../../../../../../../../../../etc/passwd"));
  /* Out of the pre-open and back in is still out: ".." never climbs above it,
   * whatever comes after. */
  DENIED("open_out_and_back_in", OPEN_R("../sandbox/hello.txt"));
  DENIED("open_sub_out_and_back_in", OPEN_R("sub/../../sandbox/hello.txt"));
  /* A NUL inside the path must not cut it short to something else. */
  {
    static const char with_nul[] = "hello.txt\0../outside/secret.txt";
    __wasi_fd_t fd = 0;
    __wasi_errno_t e = (__wasi_errno_t)raw_path_open(
        sb, FOLLOW, (int32_t)(uintptr_t)with_nul, (int32_t)(sizeof with_nul - 1), 0,
        (int64_t)RIGHTS_FILE_READ, 0, 0, (int32_t)(uintptr_t)&fd);
    if (e == 0) (void)__wasi_fd_close(fd);
    DENIED("open_embedded_nul", e, __WASI_ERRNO_INVAL, __WASI_ERRNO_ILSEQ);
  }
  DENIED("open_dotdot_through_inside_link", OPEN_R("link_inside/../../outside/secret.txt"),
         __WASI_ERRNO_NOTDIR);

  /* Absolute paths. */
  DENIED("open_abs_etc_passwd", OPEN_R("/etc/passwd"));
  DENIED("open_abs_root", OPEN_DIR("/"));
  snprintf(path, sizeof path, "%s/secret.txt", outside_abs);
  DENIED("open_abs_outside", OPEN_R(path));

  /* Symlinks that lead outside, directly, relatively, in chains, to /. */
  DENIED("open_link_outside_abs", OPEN_R("link_outside_abs"));
  DENIED("open_link_outside_rel", OPEN_R("link_outside_rel"));
  DENIED("open_link_chain", OPEN_R("chain1"));
  DENIED("open_link_chain_middle", OPEN_R("sub/chain3"));
  DENIED("open_link_outside_dir_file", OPEN_R("link_outside_dir/secret.txt"));
  DENIED("open_link_outside_dir", OPEN_DIR("link_outside_dir"));
  DENIED("open_link_root_etc_passwd", OPEN_R("link_root/etc/passwd"));
  DENIED("open_link_proc_root_etc_passwd", OPEN_R("link_proc_root/etc/passwd"));
  DENIED("open_link_proc_root_dir", OPEN_DIR("link_proc_root"));
  snprintf(path, sizeof path, "link_proc_root%s/secret.txt", outside_abs);
  DENIED("open_link_proc_root_outside", OPEN_R(path));
  DENIED("open_dotdot_then_link", OPEN_R("sub/../link_outside_rel"));
  DENIED("open_link_outside_abs_nofollow",
         try_open(sb, 0, "link_outside_abs", 0, RIGHTS_FILE_READ), __WASI_ERRNO_LOOP);

  /* Creating things outside. */
  DENIED("create_dotdot_file", CREATE("../escaped_file"));
  DENIED("create_sub_dotdot_file", CREATE("sub/../../escaped_file2"));
  snprintf(path, sizeof path, "%s/created_abs", outside_abs);
  DENIED("create_abs_file", CREATE(path));
  DENIED("create_via_dir_link", CREATE("link_outside_dir/created_via_dirlink"));
  DENIED("create_via_dangling_link", CREATE("link_dangling_outside"));
  DENIED("truncate_via_link",
         try_open(sb, FOLLOW, "link_outside_abs", __WASI_OFLAGS_TRUNC, RIGHTS_FILE_RW));
  DENIED("mkdir_dotdot", __wasi_path_create_directory(sb, "../escaped_dir"));
  DENIED("mkdir_via_dir_link", __wasi_path_create_directory(sb, "link_outside_dir/escaped_dir2"));
  snprintf(path, sizeof path, "%s/escaped_dir3", outside_abs);
  DENIED("mkdir_abs", __wasi_path_create_directory(sb, path));
  DENIED("symlink_dotdot", __wasi_path_symlink("x", sb, "../escaped_symlink"));
  DENIED("symlink_via_dir_link", __wasi_path_symlink("x", sb, "link_outside_dir/escaped_symlink2"));

  /* Metadata outside. */
  __wasi_filestat_t st;
  DENIED("stat_link_outside_follow", stat_at(sb, "link_outside_abs", 1, &st));
  DENIED("stat_dotdot_follow", stat_at(sb, "../outside/secret.txt", 1, &st));
  DENIED("stat_dotdot_nofollow", stat_at(sb, "../outside/secret.txt", 0, &st));
  DENIED("stat_abs", stat_at(sb, "/etc/passwd", 1, &st));
  DENIED("stat_link_proc_root", stat_at(sb, "link_proc_root/etc/passwd", 1, &st));
  const __wasi_timestamp_t T = 1000000000ull * 1000000000ull;
  const __wasi_fstflags_t both = __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM;
  DENIED("set_times_link_outside_follow",
         __wasi_path_filestat_set_times(sb, FOLLOW, "link_outside_abs", T, T, both));
  DENIED("set_times_dotdot",
         __wasi_path_filestat_set_times(sb, 0, "../outside/secret.txt", T, T, both));
  DENIED("set_times_dotdot_dir", __wasi_path_filestat_set_times(sb, 0, "..", T, T, both));
  char buf[256];
  __wasi_size_t n;
  DENIED("readlink_dotdot",
         __wasi_path_readlink(sb, "../outside/outlink", (uint8_t*)buf, sizeof buf, &n));
  DENIED("readlink_via_dir_link",
         __wasi_path_readlink(sb, "link_outside_dir/outlink", (uint8_t*)buf, sizeof buf, &n));

  /* Moving and linking across the boundary, both ways. */
  put_file(sb, "to_move.txt", "moving");
  DENIED("rename_to_dotdot", __wasi_path_rename(sb, "to_move.txt", sb, "../escaped_rename"));
  DENIED("rename_to_dir_link",
         __wasi_path_rename(sb, "to_move.txt", sb, "link_outside_dir/escaped_rename2"));
  snprintf(path, sizeof path, "%s/escaped_rename3", outside_abs);
  DENIED("rename_to_abs", __wasi_path_rename(sb, "to_move.txt", sb, path));
  DENIED("rename_from_dotdot", __wasi_path_rename(sb, "../outside/secret.txt", sb, "stolen"));
  DENIED("rename_from_dir_link",
         __wasi_path_rename(sb, "link_outside_dir/secret.txt", sb, "stolen2"));
  DENIED("rename_dotdot_dir", __wasi_path_rename(sb, "../outside", sb, "stolen_dir"));
  check("rename_source_kept", exists_at(sb, "to_move.txt"), "to_move.txt is gone");
  DENIED("link_to_dotdot", __wasi_path_link(sb, 0, "hello.txt", sb, "../escaped_link"));
  DENIED("link_to_dir_link",
         __wasi_path_link(sb, 0, "hello.txt", sb, "link_outside_dir/escaped_link2"));
  DENIED("link_from_dotdot", __wasi_path_link(sb, 0, "../outside/secret.txt", sb, "stolen_link"));
  DENIED("link_from_dir_link",
         __wasi_path_link(sb, 0, "link_outside_dir/secret.txt", sb, "stolen_link2"));
  /* Some hosts refuse SYMLINK_FOLLOW for path_link altogether (EINVAL). */
  DENIED("link_follow_outside_link",
         __wasi_path_link(sb, FOLLOW, "link_outside_abs", sb, "stolen_link3"), __WASI_ERRNO_INVAL);
  check("link_follow_outside_link_no_file", !exists_at(sb, "stolen_link3"), "a link was made");

  /* Removing things outside. */
  DENIED("unlink_dotdot", __wasi_path_unlink_file(sb, "../outside/secret.txt"));
  DENIED("unlink_via_dir_link", __wasi_path_unlink_file(sb, "link_outside_dir/secret.txt"));
  snprintf(path, sizeof path, "%s/secret.txt", outside_abs);
  DENIED("unlink_abs", __wasi_path_unlink_file(sb, path));
  DENIED("rmdir_dotdot", __wasi_path_remove_directory(sb, "../outside"));
  DENIED("rmdir_preopen_via_dotdot", __wasi_path_remove_directory(sb, "../sandbox"));

  /* Symlinks the guest makes itself. Creating one may be allowed (its text is
   * just data) but following it must not leave the sandbox. */
  __wasi_errno_t e = __wasi_path_symlink("..", sb, "made_up");
  CHECK_ERRNO_IN("symlink_make_dotdot", e, __WASI_ERRNO_SUCCESS, __WASI_ERRNO_NOTCAPABLE,
                 __WASI_ERRNO_PERM);
  if (e == 0) {
    DENIED("open_made_dotdot_link", OPEN_R("made_up/outside/secret.txt"));
    DENIED("create_via_made_dotdot_link", CREATE("made_up/escaped_made"));
  }
  e = __wasi_path_symlink("/etc/passwd", sb, "made_abs");
  CHECK_ERRNO_IN("symlink_make_absolute", e, __WASI_ERRNO_SUCCESS, __WASI_ERRNO_NOTCAPABLE,
                 __WASI_ERRNO_PERM);
  if (e == 0) DENIED("open_made_abs_link", OPEN_R("made_abs"));
  e = __wasi_path_symlink("sub/../../outside", sb, "made_sub_up");
  CHECK_ERRNO_IN("symlink_make_sub_dotdot", e, __WASI_ERRNO_SUCCESS, __WASI_ERRNO_NOTCAPABLE,
                 __WASI_ERRNO_PERM);
  if (e == 0) DENIED("open_made_sub_dotdot_link", OPEN_R("made_sub_up/secret.txt"));

  /* The pre-open's own "..", through other descriptors for it. */
  __wasi_fd_t dot, sub;
  if (check_ok("open_preopen_dot", open_dir(sb, ".", &dot))) {
    DENIED("dot_fd_dotdot", try_open(dot, FOLLOW, "..", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR));
    DENIED("dot_fd_dotdot_file",
           try_open(dot, FOLLOW, "../outside/secret.txt", 0, RIGHTS_FILE_READ));
    (void)__wasi_fd_close(dot);
  }
  if (check_ok("open_subdir", open_dir(sb, "sub", &sub))) {
    DENIED("sub_fd_dotdot_dotdot",
           try_open(sub, FOLLOW, "../../outside/secret.txt", 0, RIGHTS_FILE_READ));
    DENIED("sub_fd_chain3", try_open(sub, FOLLOW, "chain3", 0, RIGHTS_FILE_READ));
    /* wasmtime roots every descriptor at its own directory; others resolve
     * ".." up to the pre-open. Either is safe. */
    __wasi_fd_t fd;
    e = open_at(sub, "../hello.txt", 0, RIGHTS_FILE_READ, 0, &fd);
    info("sub_fd ../hello.txt -> %s", errno_name(e));
    if (e == 0) (void)__wasi_fd_close(fd);
    (void)__wasi_fd_close(sub);
  }

  /* Renumber a subdirectory onto the pre-open's number, then try to climb out
   * of it. Last, because it replaces the pre-open. */
  if (check_ok("open_subdir_for_renumber", open_dir(sb, "sub", &sub))) {
    if (check_ok("renumber_onto_preopen", __wasi_fd_renumber(sub, sb))) {
      __wasi_prestat_t pre;
      info("prestat_get after renumber -> %s", errno_name(__wasi_fd_prestat_get(sb, &pre)));
      DENIED("renumbered_dotdot_dotdot", OPEN_DIR("../.."));
      DENIED("renumbered_dotdot_dotdot_file", OPEN_R("../../outside/secret.txt"));
      DENIED("renumbered_chain3", OPEN_R("chain3"));
      char buf2[64];
      size_t got = 0;
      check_ok("renumbered_reads_sub", get_file(sb, "nested.txt", buf2, sizeof buf2, &got));
    }
  }
}

/* ---- read-only mount -------------------------------------------------------- */

/* Refused writes on the read-only mount; BADF where the descriptor itself was
 * opened read-only, XDEV where the call spans two mounts. */
#define REFUSED(name, expr, ...)                                                     \
  CHECK_ERRNO_IN((name), (expr), __WASI_ERRNO_ROFS, __WASI_ERRNO_NOTCAPABLE,          \
                 __WASI_ERRNO_PERM, ##__VA_ARGS__)

static void test_read_only(__wasi_fd_t ro) {
  char buf[128];
  size_t got = 0;
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  const __wasi_timestamp_t T = 1000000000ull * 1000000000ull;
  const __wasi_fstflags_t both = __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM;

  /* Reading works. */
  check_ok("ro_read", get_file(ro, "data.txt", buf, sizeof buf, &got));
  check_str("ro_read_content", buf, got, "read only data\n");
  check_ok("ro_read_via_link", get_file(ro, "link_in_ro", buf, sizeof buf, &got));
  check_ok("ro_stat", stat_at(ro, "data.txt", 1, &st));
  __wasi_size_t n = 0;
  check_ok("ro_readlink", __wasi_path_readlink(ro, "link_in_ro", (uint8_t*)buf, sizeof buf, &n));
  check_ok("ro_readdir", __wasi_fd_readdir(ro, (uint8_t*)buf, sizeof buf, 0, &n));
  check("ro_readdir_nonempty", n > 0, "no entries");
  __wasi_fdstat_t fst;
  if (check_ok("ro_fdstat", __wasi_fd_fdstat_get(ro, &fst))) {
    info("ro pre-open rights base 0x%llx inheriting 0x%llx",
         (unsigned long long)fst.fs_rights_base, (unsigned long long)fst.fs_rights_inheriting);
  }

  /* Opening for writing, asking for the write right outright. */
  REFUSED("ro_open_write",
          __wasi_path_open(ro, FOLLOW, "data.txt", 0, RIGHTS_FILE_RW, 0, 0, &fd));
  REFUSED("ro_open_creat",
          __wasi_path_open(ro, FOLLOW, "new.txt", __WASI_OFLAGS_CREAT, RIGHTS_FILE_RW, 0, 0, &fd));
  REFUSED("ro_open_creat_read_rights",
          __wasi_path_open(ro, FOLLOW, "new2.txt", __WASI_OFLAGS_CREAT, RIGHTS_FILE_READ, 0, 0,
                           &fd));
  REFUSED("ro_open_trunc",
          __wasi_path_open(ro, FOLLOW, "data.txt", __WASI_OFLAGS_TRUNC, RIGHTS_FILE_RW, 0, 0, &fd));
  REFUSED("ro_open_trunc_read_rights",
          __wasi_path_open(ro, FOLLOW, "data.txt", __WASI_OFLAGS_TRUNC, RIGHTS_FILE_READ, 0, 0,
                           &fd));
  REFUSED("ro_open_append",
          __wasi_path_open(ro, FOLLOW, "data.txt", 0, RIGHTS_FILE_RW, 0, __WASI_FDFLAGS_APPEND,
                           &fd));
  /* As wasi-libc asks: the write right only if the mount passes it on. Then
   * either the open fails or the descriptor cannot write. */
  __wasi_errno_t e = open_at(ro, "data.txt", 0, RIGHTS_FILE_RW, 0, &fd);
  if (e == 0) {
    __wasi_ciovec_t iov = {(const uint8_t*)"X", 1};
    REFUSED("ro_libc_style_open_cannot_write", __wasi_fd_write(fd, &iov, 1, &n), __WASI_ERRNO_BADF);
    (void)__wasi_fd_close(fd);
  } else {
    REFUSED("ro_libc_style_open_refused", e);
  }

  /* A descriptor without FD_WRITE cannot change the file, even holding the
   * other rights that change files: ask for them too, so that a refusal below
   * comes from the mount, not from missing rights. */
  const __wasi_rights_t meta = __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |
                               __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_ALLOCATE;
  e = __wasi_path_open(ro, FOLLOW, "data.txt", 0, RIGHTS_FILE_READ | meta, 0, 0, &fd);
  if (e != 0) {
    REFUSED("ro_open_read_with_meta_rights", e);
    e = open_at(ro, "data.txt", 0, RIGHTS_FILE_READ, 0, &fd);
  } else {
    info("ro: opened data.txt with set_size/set_times/allocate rights");
  }
  if (check_ok("ro_open_read", e)) {
    __wasi_ciovec_t iov = {(const uint8_t*)"X", 1};
    REFUSED("ro_fd_write", __wasi_fd_write(fd, &iov, 1, &n), __WASI_ERRNO_BADF);
    REFUSED("ro_fd_pwrite", __wasi_fd_pwrite(fd, &iov, 1, 0, &n), __WASI_ERRNO_BADF);
    REFUSED("ro_fd_set_size", __wasi_fd_filestat_set_size(fd, 0), __WASI_ERRNO_BADF);
    REFUSED("ro_fd_allocate", __wasi_fd_allocate(fd, 0, 4096), __WASI_ERRNO_BADF);
    REFUSED("ro_fd_set_times", __wasi_fd_filestat_set_times(fd, T, T, both), __WASI_ERRNO_BADF);
    __wasi_fdstat_t fs;
    if (__wasi_fd_fdstat_get(fd, &fs) == 0) {
      check_errno("ro_fd_add_write_right",
                  __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base | __WASI_RIGHTS_FD_WRITE,
                                              fs.fs_rights_inheriting),
                  __WASI_ERRNO_NOTCAPABLE);
      REFUSED("ro_fd_write_after_add_attempt", __wasi_fd_write(fd, &iov, 1, &n), __WASI_ERRNO_BADF);
    }
    (void)__wasi_fd_close(fd);
  }

  /* Every path operation that writes. */
  REFUSED("ro_mkdir", __wasi_path_create_directory(ro, "newdir"));
  REFUSED("ro_rmdir", __wasi_path_remove_directory(ro, "emptydir"));
  REFUSED("ro_unlink", __wasi_path_unlink_file(ro, "data.txt"));
  REFUSED("ro_unlink_link", __wasi_path_unlink_file(ro, "link_in_ro"));
  REFUSED("ro_rename", __wasi_path_rename(ro, "data.txt", ro, "renamed.txt"));
  REFUSED("ro_rename_dir", __wasi_path_rename(ro, "emptydir", ro, "renamed_dir"));
  REFUSED("ro_rename_out", __wasi_path_rename(ro, "data.txt", sb, "taken.txt"), __WASI_ERRNO_XDEV);
  put_file(sb, "to_ro.txt", "incoming");
  REFUSED("ro_rename_in", __wasi_path_rename(sb, "to_ro.txt", ro, "incoming.txt"),
          __WASI_ERRNO_XDEV);
  check("ro_rename_in_source_kept", exists_at(sb, "to_ro.txt"), "source is gone");
  REFUSED("ro_symlink", __wasi_path_symlink("data.txt", ro, "newlink"));
  REFUSED("ro_link", __wasi_path_link(ro, 0, "data.txt", ro, "hardlink"));
  /* A hard link from the read-only mount into a writable one would let the
   * guest write the read-only file through the new name. */
  if (!REFUSED("ro_link_out", __wasi_path_link(ro, 0, "data.txt", sb, "ro_hardlink"),
               __WASI_ERRNO_XDEV)) {
    __wasi_fd_t w;
    if (open_at(sb, "ro_hardlink", 0, RIGHTS_FILE_RW, 0, &w) == 0) {
      __wasi_ciovec_t iov = {(const uint8_t*)"W", 1};
      __wasi_size_t wn = 0;
      if (__wasi_fd_pwrite(w, &iov, 1, 0, &wn) == 0 && wn == 1)
        fail("ro_link_out_write_through", "wrote the read-only data.txt through the new link");
      (void)__wasi_fd_close(w);
    }
  }
  REFUSED("ro_link_in", __wasi_path_link(sb, 0, "to_ro.txt", ro, "in_link"), __WASI_ERRNO_XDEV);
  REFUSED("ro_set_times", __wasi_path_filestat_set_times(ro, 0, "data.txt", T, T, both));
  REFUSED("ro_set_times_now",
          __wasi_path_filestat_set_times(ro, 0, "data.txt", 0, 0,
                                         __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
  REFUSED("ro_set_times_dot", __wasi_path_filestat_set_times(ro, 0, ".", T, T, both));
  REFUSED("ro_dir_fd_set_times", __wasi_fd_filestat_set_times(ro, T, T, both), __WASI_ERRNO_BADF);

  /* A directory opened inside the mount is read-only too. */
  __wasi_fd_t sub;
  if (check_ok("ro_open_subdir", open_dir(ro, "emptydir", &sub))) {
    REFUSED("ro_subdir_create",
            __wasi_path_open(sub, FOLLOW, "x.txt", __WASI_OFLAGS_CREAT, RIGHTS_FILE_RW, 0, 0, &fd));
    REFUSED("ro_subdir_mkdir", __wasi_path_create_directory(sub, "d"));
    (void)__wasi_fd_close(sub);
  }

  /* And so is the mount after renumbering it onto another descriptor. */
  __wasi_fd_t spare;
  if (check_ok("ro_renumber_setup", open_at(sb, "hello.txt", 0, RIGHTS_FILE_READ, 0, &spare)) &&
      check_ok("ro_renumber", __wasi_fd_renumber(ro, spare))) {
    REFUSED("ro_renumbered_create", __wasi_path_open(spare, FOLLOW, "x.txt", __WASI_OFLAGS_CREAT,
                                                     RIGHTS_FILE_RW, 0, 0, &fd));
    REFUSED("ro_renumbered_unlink", __wasi_path_unlink_file(spare, "data.txt"));
    check_ok("ro_renumbered_read", get_file(spare, "data.txt", buf, sizeof buf, &got));
  }
}

int main(int argc, char** argv) {
  if (argc < 4) {
    printf("FAIL usage: sandbox.wasm escape SANDBOX OUTSIDE_ABS | ro SANDBOX RO\n");
    return 2;
  }
  int pre = find_preopen(argv[2]);
  if (!check("find_preopen", pre >= 0, "no pre-open named %s", argv[2])) return check_finish();
  sb = (__wasi_fd_t)pre;
  if (strcmp(argv[1], "escape") == 0) {
    outside_abs = argv[3];
    test_controls();
    test_escapes();
  } else if (strcmp(argv[1], "ro") == 0) {
    int ro = find_preopen(argv[3]);
    if (!check("find_ro_preopen", ro >= 0, "no pre-open named %s", argv[3])) return check_finish();
    test_read_only((__wasi_fd_t)ro);
  } else {
    printf("FAIL usage: unknown mode %s\n", argv[1]);
    return 2;
  }
  return check_finish();
}
