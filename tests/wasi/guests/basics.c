/* args, environ, clocks, random_get, sched_yield, proc_exit.
 *
 * Usage: basics.wasm main alpha "" "with space" "k=v=w" "<u-umlaut>nicode"
 *            (with --env A=1 --env EMPTY= --env EQ=a=b=c "--env SPACE=x y")
 *        basics.wasm exit N     proc_exit(N) after printing a line
 *        basics.wasm return N   return N from main (libc's exit path)
 *        basics.wasm trap       executes `unreachable` */
#include "check.h"

static const char* const kExpectedArgs[] = {"main", "alpha", "", "with space", "k=v=w",
                                            "\xc3\xbcnicode"};
static const char* const kExpectedEnv[] = {"A=1", "EMPTY=", "EQ=a=b=c", "SPACE=x y"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_args(int argc, char** argv) {
  __wasi_size_t count = 0, size = 0;
  check_ok("args_sizes_get", __wasi_args_sizes_get(&count, &size));
  check_u64("args_count", count, 1 + COUNT(kExpectedArgs));
  check_u64("libc_argc", (uint64_t)argc, 1 + COUNT(kExpectedArgs));

  size_t want_size = strlen(argv[0]) + 1;
  for (size_t i = 0; i < COUNT(kExpectedArgs); ++i) want_size += strlen(kExpectedArgs[i]) + 1;
  check_u64("args_buf_size", size, want_size);

  /* Raw args_get into our own buffers, with a guard byte after the buffer. */
  uint8_t** ptrs = calloc(count + 1, sizeof *ptrs);
  uint8_t* buf = malloc(size + 1);
  buf[size] = 0xAB;
  check_ok("args_get", __wasi_args_get(ptrs, buf));
  check("args_get_stays_in_buffer", buf[size] == 0xAB, "wrote past argv_buf_size");
  check("args_argv0_present", count > 0 && ptrs[0] && strlen((char*)ptrs[0]) > 0,
        "argv[0] is empty");
  for (size_t i = 0; i < COUNT(kExpectedArgs) && i + 1 < count; ++i) {
    char name[64];
    snprintf(name, sizeof name, "arg%zu", i + 1);
    const char* got = (const char*)ptrs[i + 1];
    check_str(name, got, strlen(got), kExpectedArgs[i]);
    /* Each argument lies inside the buffer and is NUL-terminated there. */
    snprintf(name, sizeof name, "arg%zu_in_buffer", i + 1);
    check(name, (uint8_t*)got >= buf && (uint8_t*)got + strlen(got) < buf + size,
          "pointer outside argv_buf");
  }
  free(ptrs);
  free(buf);
}

static void test_environ(void) {
  __wasi_size_t count = 0, size = 0;
  check_ok("environ_sizes_get", __wasi_environ_sizes_get(&count, &size));
  /* Only --env variables: the host's own environment must not leak in. */
  check_u64("environ_count", count, COUNT(kExpectedEnv));
  size_t want_size = 0;
  for (size_t i = 0; i < COUNT(kExpectedEnv); ++i) want_size += strlen(kExpectedEnv[i]) + 1;
  check_u64("environ_buf_size", size, want_size);

  uint8_t** ptrs = calloc(count + 1, sizeof *ptrs);
  uint8_t* buf = malloc(size + 1);
  buf[size] = 0xAB;
  check_ok("environ_get", __wasi_environ_get(ptrs, buf));
  check("environ_get_stays_in_buffer", buf[size] == 0xAB, "wrote past environ_buf_size");
  for (size_t i = 0; i < COUNT(kExpectedEnv); ++i) {
    int found = 0;
    for (size_t j = 0; j < count; ++j) {
      if (ptrs[j] && strcmp((char*)ptrs[j], kExpectedEnv[i]) == 0) found = 1;
    }
    char name[64];
    snprintf(name, sizeof name, "environ_has_%.*s", (int)strcspn(kExpectedEnv[i], "="),
             kExpectedEnv[i]);
    check(name, found, "\"%s\" missing", kExpectedEnv[i]);
  }
  free(ptrs);
  free(buf);

  /* And through libc. */
  const char* eq = getenv("EQ");
  check("getenv_value_with_equals", eq && strcmp(eq, "a=b=c") == 0, "got %s", eq ? eq : "(null)");
  const char* empty = getenv("EMPTY");
  check("getenv_empty_value", empty && empty[0] == 0, "got %s", empty ? empty : "(null)");
  check("getenv_unset", getenv("PATH") == NULL && getenv("HOME") == NULL,
        "host variables leaked into the guest");
}

static void test_clocks(void) {
  static const char* const names[] = {"realtime", "monotonic", "process_cputime",
                                      "thread_cputime"};
  for (__wasi_clockid_t id = 0; id < 4; ++id) {
    char name[64];
    __wasi_timestamp_t res = 0, t = 0;
    snprintf(name, sizeof name, "clock_res_get_%s", names[id]);
    if (check_ok(name, __wasi_clock_res_get(id, &res))) {
      snprintf(name, sizeof name, "clock_res_%s_sane", names[id]);
      check(name, res > 0 && res <= 1000000000ull, "resolution %llu ns", (unsigned long long)res);
    }
    snprintf(name, sizeof name, "clock_time_get_%s", names[id]);
    if (check_ok(name, __wasi_clock_time_get(id, 1, &t))) {
      snprintf(name, sizeof name, "clock_time_%s_nonzero", names[id]);
      check(name, t > 0, "time is 0");
    }
  }

  __wasi_timestamp_t t = 0;
  t = now_ns(__WASI_CLOCKID_REALTIME);
  check("realtime_is_after_2020", t > 1577836800ull * 1000000000ull, "realtime %llu",
        (unsigned long long)t);
  check_ok("clock_time_get_precision_0", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t));
  check_ok("clock_time_get_precision_max",
           __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, UINT64_MAX, &t));

  uint64_t prev = now_ns(__WASI_CLOCKID_MONOTONIC), backwards = 0;
  for (int i = 0; i < 20000; ++i) {
    uint64_t now = now_ns(__WASI_CLOCKID_MONOTONIC);
    if (now < prev) ++backwards;
    prev = now;
  }
  check("monotonic_never_goes_back", backwards == 0, "went back %llu times",
        (unsigned long long)backwards);
  uint64_t before = now_ns(__WASI_CLOCKID_MONOTONIC);
  sleep_ns(3000000);
  uint64_t after = now_ns(__WASI_CLOCKID_MONOTONIC);
  check("monotonic_advances_over_sleep", after - before >= 3000000, "advanced %llu ns",
        (unsigned long long)(after - before));

  /* CPU time advances while the guest spins. */
  uint64_t cpu0 = now_ns(__WASI_CLOCKID_PROCESS_CPUTIME_ID);
  uint64_t start = now_ns(__WASI_CLOCKID_MONOTONIC);
  volatile uint64_t sink = 0;
  while (now_ns(__WASI_CLOCKID_MONOTONIC) - start < 20000000) sink += 1;
  (void)sink;
  uint64_t cpu1 = now_ns(__WASI_CLOCKID_PROCESS_CPUTIME_ID);
  check("process_cputime_advances", cpu1 > cpu0, "%llu -> %llu", (unsigned long long)cpu0,
        (unsigned long long)cpu1);

  check_errno("clock_res_get_invalid_id", __wasi_clock_res_get(4, &t), __WASI_ERRNO_INVAL);
  check_errno("clock_time_get_invalid_id", __wasi_clock_time_get(4, 1, &t), __WASI_ERRNO_INVAL);
  check_errno("clock_time_get_id_max", __wasi_clock_time_get(0xffffffffu, 1, &t),
              __WASI_ERRNO_INVAL);
}

static void test_random(void) {
  uint8_t small[4] = {1, 2, 3, 4};
  check_ok("random_get_zero_length", __wasi_random_get(small, 0));
  check("random_get_zero_length_writes_nothing",
        small[0] == 1 && small[1] == 2 && small[2] == 3 && small[3] == 4, "buffer changed");

  const size_t big = 1 << 20;
  uint8_t* buf = calloc(big + 1, 1);
  buf[big] = 0x5A;
  if (check_ok("random_get_1MiB", __wasi_random_get(buf, big))) {
    unsigned seen[256] = {0};
    for (size_t i = 0; i < big; ++i) seen[buf[i]]++;
    int distinct = 0;
    for (int i = 0; i < 256; ++i) distinct += seen[i] != 0;
    check("random_get_1MiB_covers_all_byte_values", distinct == 256, "%d distinct values",
          distinct);
    check("random_get_stays_in_buffer", buf[big] == 0x5A, "wrote past the end");
  }
  free(buf);

  uint8_t a[32], b[32];
  check_ok("random_get_32_a", __wasi_random_get(a, sizeof a));
  check_ok("random_get_32_b", __wasi_random_get(b, sizeof b));
  check("random_get_differs", memcmp(a, b, sizeof a) != 0, "two draws were equal");
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "exit") == 0 && argc > 2) {
    printf("ok before_proc_exit\n");
    fflush(stdout);
    __wasi_proc_exit((__wasi_exitcode_t)atoi(argv[2]));
    printf("FAIL proc_exit_returned\n");
    return 99;
  }
  if (strcmp(mode, "return") == 0 && argc > 2) {
    printf("ok returning %s\n", argv[2]);
    return atoi(argv[2]);
  }
  if (strcmp(mode, "trap") == 0) {
    printf("ok before_trap\n");
    fflush(stdout);
    __builtin_trap();
  }
  if (strcmp(mode, "main") != 0) {
    printf("FAIL usage: basics.wasm main|exit N|return N|trap\n");
    return 2;
  }

  test_args(argc, argv);
  test_environ();
  test_clocks();
  test_random();
  check_ok("sched_yield", __wasi_sched_yield());
  return check_finish();
}
