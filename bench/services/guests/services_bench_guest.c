// Loops over Spin 1 host imports for bench/services: each export runs `n`
// operations in one instance, so the per-operation cost is the import call,
// the ABI copies and the backend, without instantiation or HTTP.
//   kv_bench(n)    n x (key-value set + get) on store "default"
//   http_bench(n)  n x wasi-outbound-http GET of $BENCH_URL
// Both return the number of failed operations.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

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

IMPORT("key-value", "open") void kv_open(const char*, uint32_t, uint8_t* ret);
IMPORT("key-value", "get") void kv_get(uint32_t, const char*, uint32_t, uint8_t* ret);
IMPORT("key-value", "set")
void kv_set(uint32_t, const char*, uint32_t, const char*, uint32_t, uint8_t* ret);
IMPORT("key-value", "close") void kv_close(uint32_t);
IMPORT("wasi-outbound-http", "request")
void http_request(int32_t method, const char* uri, uint32_t uri_len, const void* headers,
                  uint32_t header_count, const void* params, uint32_t param_count,
                  int32_t body_tag, const char* body, uint32_t body_len, uint8_t* ret);

static uint8_t area[32] __attribute__((aligned(8)));

static uint32_t u32_at(int offset) {
  uint32_t value;
  memcpy(&value, area + offset, 4);
  return value;
}

EXPORT("kv_bench")
int kv_bench(int n) {
  kv_open("default", 7, area);
  if (area[0]) return n;
  const uint32_t store = u32_at(4);
  int failed = 0;
  char key[32];
  const char value[] = "a value of some sixty-four bytes, a typical small cached record";
  for (int i = 0; i < n; ++i) {
    const int key_length = snprintf(key, sizeof key, "key-%d", i % 1000);
    kv_set(store, key, (uint32_t)key_length, value, sizeof value - 1, area);
    if (area[0]) ++failed;
    kv_get(store, key, (uint32_t)key_length, area);
    if (area[0]) {
      ++failed;
    } else {
      free((void*)(uintptr_t)u32_at(4));
    }
  }
  kv_close(store);
  return failed;
}

// Frees what the host allocated for a response: header strings, the header
// list and the body.
static void free_response(void) {
  if (area[8]) {
    uint8_t* headers = (uint8_t*)(uintptr_t)u32_at(12);
    for (uint32_t i = 0; i < u32_at(16); ++i) {
      uint32_t pointers[4];
      memcpy(pointers, headers + i * 16, 16);
      if (pointers[1]) free((void*)(uintptr_t)pointers[0]);
      if (pointers[3]) free((void*)(uintptr_t)pointers[2]);
    }
    if (u32_at(16)) free(headers);
  }
  if (area[20] && u32_at(28)) free((void*)(uintptr_t)u32_at(24));
}

EXPORT("http_bench")
int http_bench(int n) {
  const char* url = getenv("BENCH_URL");
  if (!url) return n;
  int failed = 0;
  for (int i = 0; i < n; ++i) {
    http_request(0, url, (uint32_t)strlen(url), NULL, 0, NULL, 0, 0, NULL, 0, area);
    if (area[0]) {
      ++failed;
      continue;
    }
    free_response();
  }
  return failed;
}
