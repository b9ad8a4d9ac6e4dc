/* poll_oneoff.
 *
 * Usage: poll.wasm PREOPEN   (a writable pre-open; stdout should be a pipe)
 * Timing bounds are generous: lower bounds are exact (a timer never fires
 * early), upper bounds only catch a poll that ignored its deadline. */
#include "check.h"

#define MS 1000000ull

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id, uint64_t timeout,
                                       int absolute) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = absolute ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ) {
    s.u.u.fd_read.file_descriptor = fd;
  } else {
    s.u.u.fd_write.file_descriptor = fd;
  }
  return s;
}

static const __wasi_event_t* find_event(const __wasi_event_t* ev, __wasi_size_t n,
                                        __wasi_userdata_t ud) {
  for (__wasi_size_t i = 0; i < n; ++i)
    if (ev[i].userdata == ud) return &ev[i];
  return NULL;
}

static void test_clocks(void) {
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;

  __wasi_subscription_t s = clock_sub(0x1111, __WASI_CLOCKID_MONOTONIC, 10 * MS, 0);
  uint64_t t0 = now_ns(__WASI_CLOCKID_MONOTONIC);
  check_ok("clock_relative", __wasi_poll_oneoff(&s, ev, 1, &n));
  uint64_t dt = now_ns(__WASI_CLOCKID_MONOTONIC) - t0;
  check_u64("clock_relative_nevents", n, 1);
  check("clock_relative_event",
        ev[0].userdata == 0x1111 && ev[0].type == __WASI_EVENTTYPE_CLOCK && ev[0].error == 0,
        "userdata 0x%llx type %u error %s", (unsigned long long)ev[0].userdata, ev[0].type,
        errno_name(ev[0].error));
  check("clock_relative_waited", dt >= 10 * MS && dt < 2000 * MS, "waited %llu ns",
        (unsigned long long)dt);

  t0 = now_ns(__WASI_CLOCKID_MONOTONIC);
  s = clock_sub(0x2222, __WASI_CLOCKID_MONOTONIC, t0 + 20 * MS, 1);
  check_ok("clock_absolute", __wasi_poll_oneoff(&s, ev, 1, &n));
  uint64_t t1 = now_ns(__WASI_CLOCKID_MONOTONIC);
  check("clock_absolute_event", n == 1 && ev[0].userdata == 0x2222 && ev[0].error == 0,
        "n %u userdata 0x%llx", (unsigned)n, (unsigned long long)ev[0].userdata);
  check("clock_absolute_waited", t1 >= t0 + 20 * MS && t1 - t0 < 2000 * MS, "waited %llu ns",
        (unsigned long long)(t1 - t0));

  t0 = now_ns(__WASI_CLOCKID_MONOTONIC);
  s = clock_sub(0x3333, __WASI_CLOCKID_MONOTONIC, t0 > 5 * MS ? t0 - 5 * MS : 0, 1);
  check_ok("clock_absolute_past", __wasi_poll_oneoff(&s, ev, 1, &n));
  dt = now_ns(__WASI_CLOCKID_MONOTONIC) - t0;
  check("clock_absolute_past_immediate", n == 1 && dt < 1000 * MS, "n %u waited %llu ns",
        (unsigned)n, (unsigned long long)dt);

  s = clock_sub(0x4444, __WASI_CLOCKID_MONOTONIC, 0, 0);
  check_ok("clock_zero_timeout", __wasi_poll_oneoff(&s, ev, 1, &n));
  check_u64("clock_zero_timeout_nevents", n, 1);

  t0 = now_ns(__WASI_CLOCKID_MONOTONIC);
  s = clock_sub(0x5555, __WASI_CLOCKID_REALTIME, 5 * MS, 0);
  check_ok("clock_realtime_relative", __wasi_poll_oneoff(&s, ev, 1, &n));
  dt = now_ns(__WASI_CLOCKID_MONOTONIC) - t0;
  check("clock_realtime_relative_waited", n == 1 && dt >= 5 * MS, "n %u waited %llu ns",
        (unsigned)n, (unsigned long long)dt);

  uint64_t wall = now_ns(__WASI_CLOCKID_REALTIME);
  t0 = now_ns(__WASI_CLOCKID_MONOTONIC);
  s = clock_sub(0x6666, __WASI_CLOCKID_REALTIME, wall + 15 * MS, 1);
  check_ok("clock_realtime_absolute", __wasi_poll_oneoff(&s, ev, 1, &n));
  dt = now_ns(__WASI_CLOCKID_MONOTONIC) - t0;
  check("clock_realtime_absolute_waited", n == 1 && dt >= 10 * MS && dt < 2000 * MS,
        "n %u waited %llu ns", (unsigned)n, (unsigned long long)dt);

  /* Several clocks: the earliest fires, the late ones do not. */
  __wasi_subscription_t many[3] = {clock_sub(0xA, __WASI_CLOCKID_MONOTONIC, 3000 * MS, 0),
                                   clock_sub(0xB, __WASI_CLOCKID_MONOTONIC, 10 * MS, 0),
                                   clock_sub(0xC, __WASI_CLOCKID_MONOTONIC, 4000 * MS, 0)};
  t0 = now_ns(__WASI_CLOCKID_MONOTONIC);
  check_ok("clock_multiple", __wasi_poll_oneoff(many, ev, 3, &n));
  dt = now_ns(__WASI_CLOCKID_MONOTONIC) - t0;
  check("clock_multiple_nevents", n >= 1 && n <= 3, "n %u", (unsigned)n);
  check("clock_multiple_earliest_fired", find_event(ev, n, 0xB) != NULL, "0xB missing");
  check("clock_multiple_late_not_fired", !find_event(ev, n, 0xA) && !find_event(ev, n, 0xC),
        "a late clock fired");
  check("clock_multiple_waited", dt >= 10 * MS && dt < 2500 * MS, "waited %llu ns",
        (unsigned long long)dt);

  /* Two clocks that are both due. */
  __wasi_subscription_t due[2] = {clock_sub(0xD, __WASI_CLOCKID_MONOTONIC, 0, 0),
                                  clock_sub(0xE, __WASI_CLOCKID_MONOTONIC, 0, 0)};
  check_ok("clock_two_due", __wasi_poll_oneoff(due, ev, 2, &n));
  check("clock_two_due_nevents", n >= 1 && n <= 2, "n %u", (unsigned)n);
}

static void test_fds(__wasi_fd_t dir) {
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;
  put_file(dir, "poll.txt", "some bytes to read");
  __wasi_fd_t f;
  if (!check_ok("open_file", open_at(dir, "poll.txt", 0, RIGHTS_FILE_RW, 0, &f))) return;

  __wasi_subscription_t subs[2] = {fd_sub(0xF00D, __WASI_EVENTTYPE_FD_READ, f),
                                   clock_sub(0xC10C, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0)};
  uint64_t t0 = now_ns(__WASI_CLOCKID_MONOTONIC);
  check_ok("fd_read_file", __wasi_poll_oneoff(subs, ev, 2, &n));
  uint64_t dt = now_ns(__WASI_CLOCKID_MONOTONIC) - t0;
  const __wasi_event_t* e = find_event(ev, n, 0xF00D);
  check("fd_read_file_ready", e && e->type == __WASI_EVENTTYPE_FD_READ && e->error == 0,
        "n %u event %s", (unsigned)n, e ? errno_name(e->error) : "missing");
  check("fd_read_file_immediate", dt < 2000 * MS, "waited %llu ns", (unsigned long long)dt);
  check("fd_read_file_clock_not_fired", !find_event(ev, n, 0xC10C), "the clock fired");

  subs[0] = fd_sub(0xBEEF, __WASI_EVENTTYPE_FD_WRITE, f);
  check_ok("fd_write_file", __wasi_poll_oneoff(subs, ev, 2, &n));
  e = find_event(ev, n, 0xBEEF);
  check("fd_write_file_ready", e && e->type == __WASI_EVENTTYPE_FD_WRITE && e->error == 0,
        "n %u event %s", (unsigned)n, e ? errno_name(e->error) : "missing");

  subs[0] = fd_sub(0x5700, __WASI_EVENTTYPE_FD_WRITE, 1);
  t0 = now_ns(__WASI_CLOCKID_MONOTONIC);
  check_ok("fd_write_stdout", __wasi_poll_oneoff(subs, ev, 2, &n));
  dt = now_ns(__WASI_CLOCKID_MONOTONIC) - t0;
  e = find_event(ev, n, 0x5700);
  check("fd_write_stdout_ready", e && e->type == __WASI_EVENTTYPE_FD_WRITE && e->error == 0,
        "n %u event %s", (unsigned)n, e ? errno_name(e->error) : "missing");
  check("fd_write_stdout_immediate", dt < 2000 * MS, "waited %llu ns", (unsigned long long)dt);

  /* The file and stdout together. */
  __wasi_subscription_t both[3] = {fd_sub(1, __WASI_EVENTTYPE_FD_READ, f),
                                   fd_sub(2, __WASI_EVENTTYPE_FD_WRITE, 1),
                                   clock_sub(3, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0)};
  check_ok("fd_read_and_write", __wasi_poll_oneoff(both, ev, 3, &n));
  check("fd_read_and_write_events", find_event(ev, n, 1) || find_event(ev, n, 2),
        "neither fd is ready (n %u)", (unsigned)n);
  (void)__wasi_fd_close(f);
}

static void test_errors(void) {
  __wasi_event_t ev[4];
  __wasi_size_t n = 12345;
  __wasi_subscription_t none;
  memset(&none, 0, sizeof none);
  check_errno("empty_subscriptions", __wasi_poll_oneoff(&none, ev, 0, &n), __WASI_ERRNO_INVAL);

  /* A subscription on a descriptor that is not open: the spec reports it in
   * the event's error; wasmtime fails the whole call with EBADF. */
  __wasi_subscription_t subs[2] = {fd_sub(0xBAD, __WASI_EVENTTYPE_FD_READ, 9999),
                                   clock_sub(0xC, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0)};
  uint64_t t0 = now_ns(__WASI_CLOCKID_MONOTONIC);
  __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, 2, &n);
  uint64_t dt = now_ns(__WASI_CLOCKID_MONOTONIC) - t0;
  if (e == __WASI_ERRNO_SUCCESS) {
    const __wasi_event_t* bad = find_event(ev, n, 0xBAD);
    check("bad_fd_event_error", bad && bad->error == __WASI_ERRNO_BADF &&
                                    bad->type == __WASI_EVENTTYPE_FD_READ,
          "n %u event %s", (unsigned)n, bad ? errno_name(bad->error) : "missing");
    check("bad_fd_event_immediate", dt < 2000 * MS, "waited %llu ns", (unsigned long long)dt);
  } else {
    check_errno("bad_fd_event_error", e, __WASI_ERRNO_BADF);
    info("poll_oneoff with a bad fd failed the whole call (wasmtime's behaviour)");
  }
  subs[0] = fd_sub(0xBAD2, __WASI_EVENTTYPE_FD_WRITE, 9999);
  e = __wasi_poll_oneoff(subs, ev, 2, &n);
  if (e == __WASI_ERRNO_SUCCESS) {
    const __wasi_event_t* bad = find_event(ev, n, 0xBAD2);
    check("bad_fd_write_event_error", bad && bad->error == __WASI_ERRNO_BADF,
          "n %u event %s", (unsigned)n, bad ? errno_name(bad->error) : "missing");
  } else {
    check_errno("bad_fd_write_event_error", e, __WASI_ERRNO_BADF);
  }

  /* An unknown clock: EINVAL, for the call or in the event. */
  subs[0] = clock_sub(0x99, 99, 0, 0);
  e = __wasi_poll_oneoff(subs, ev, 1, &n);
  if (e == __WASI_ERRNO_SUCCESS) {
    const __wasi_event_t* bad = find_event(ev, n, 0x99);
    check("bad_clock_id", bad && bad->error == __WASI_ERRNO_INVAL, "event %s",
          bad ? errno_name(bad->error) : "missing");
  } else {
    check_errno("bad_clock_id", e, __WASI_ERRNO_INVAL);
  }

  /* An unknown subscription tag. */
  subs[0] = clock_sub(0x77, __WASI_CLOCKID_MONOTONIC, 0, 0);
  subs[0].u.tag = 3;
  check_errno("bad_event_type", __wasi_poll_oneoff(subs, ev, 1, &n), __WASI_ERRNO_INVAL);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    printf("FAIL usage: poll.wasm PREOPEN\n");
    return 2;
  }
  int pre = find_preopen(argv[1]);
  if (!check("find_preopen", pre >= 0, "no pre-open named %s", argv[1])) return check_finish();
  test_clocks();
  test_fds((__wasi_fd_t)pre);
  test_errors();
  return check_finish();
}
