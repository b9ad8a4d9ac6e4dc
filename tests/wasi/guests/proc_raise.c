/* proc_raise: a host without signals answers ENOSYS and the guest carries on.
 * Kept apart from basics.wasm because it is the one import wasi-libc no longer
 * declares: a host that lacks it fails to link only this guest. */
#include "check.h"

/* wasi_snapshot_preview1 signal numbers (witx `signal`): URG is 22, whose
 * default POSIX action is to ignore it, so a host that really raised it would
 * not kill itself. */
#define WASI_SIGNAL_URG 22

__wasi_errno_t raw_proc_raise(uint32_t sig)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("proc_raise")));

int main(void) {
  check_errno("proc_raise_is_nosys", raw_proc_raise(WASI_SIGNAL_URG), __WASI_ERRNO_NOSYS);
  check("proc_raise_returns", 1, "unreachable");
  return check_finish();
}
