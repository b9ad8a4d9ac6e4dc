// A Spin 1 Redis handler written by hand against the wit-bindgen 0.2 ABI
// (spin-compat.md §4.4). Each message is logged to stdout as
// "<$GUEST_NAME> got <payload> count=<n>", where n
// counts messages seen by this instance: always 1 when every message gets a
// fresh instance. Payloads with a meaning:
//   fail   returns the error case
//   trap   executes `unreachable`
//   spin   loops forever (the time limit must end it)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("canonical_abi_realloc")
void* canonical_abi_realloc(void* ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void*)align;
  return realloc(ptr, new_size);
}

EXPORT("canonical_abi_free")
void canonical_abi_free(void* ptr, size_t size, size_t align) {
  (void)align;
  if (size > 0) free(ptr);
}

static uint8_t result_area[2];
static int count;

EXPORT("handle-redis-message")
uint8_t* handle_redis_message(const char* payload, uint32_t length) {
  ++count;
  const char* who = getenv("GUEST_NAME");
  char line[512];
  int n = snprintf(line, sizeof line, "%s got %.*s count=%d\n", who ? who : "guest",
                   (int)(length > 200 ? 200 : length), payload, count);
  write(1, line, (size_t)n);
  if (length == 4 && memcmp(payload, "trap", 4) == 0) __builtin_trap();
  if (length == 4 && memcmp(payload, "spin", 4) == 0) {
    volatile uint32_t spin = 0;
    for (;;) ++spin;
  }
  const int failed = length == 4 && memcmp(payload, "fail", 4) == 0;
  result_area[0] = failed ? 1 : 0;
  result_area[1] = failed ? 1 : 0;
  canonical_abi_free((void*)payload, length, 1);
  return result_area;
}
