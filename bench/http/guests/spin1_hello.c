// The smallest useful Spin 1 HTTP module, written against the ABI by hand
// (spin-compat.md §4.3): frees the request as generated bindings do and
// answers 200, "content-type: text/plain", body "hello". Built as a reactor.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("canonical_abi_realloc")
void* canonical_abi_realloc(void* ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void*)align;
  void* p = realloc(ptr, new_size);
  if (!p) __builtin_trap();
  return p;
}

EXPORT("canonical_abi_free")
void canonical_abi_free(void* ptr, size_t size, size_t align) {
  (void)align;
  if (size) free(ptr);
}

typedef struct {
  char* name;
  uint32_t name_len;
  char* value;
  uint32_t value_len;
} Field;

static char* copy(const char* text, size_t length) {
  char* p = malloc(length);
  if (!p) __builtin_trap();
  memcpy(p, text, length);
  return p;
}

// Lays the response out as the 28-byte area of §4.3.
static uint32_t area[7] __attribute__((aligned(4)));

EXPORT("handle-http-request")
void* handle_http_request(int32_t method, char* uri, uint32_t uri_len, Field* headers,
                          uint32_t headers_len, Field* params, uint32_t params_len,
                          int32_t body_tag, char* body, uint32_t body_len) {
  (void)method;
  if (uri_len) free(uri);
  for (uint32_t i = 0; i < headers_len; ++i) {
    if (headers[i].name_len) free(headers[i].name);
    if (headers[i].value_len) free(headers[i].value);
  }
  if (headers_len) free(headers);
  if (params_len) free(params);
  if (body_tag && body_len) free(body);

  Field* fields = malloc(sizeof(Field));
  if (!fields) __builtin_trap();
  fields[0] = (Field){copy("content-type", 12), 12, copy("text/plain", 10), 10};
  area[0] = 200;
  area[1] = 1;  // headers: Some
  area[2] = (uint32_t)(uintptr_t)fields;
  area[3] = 1;
  area[4] = 1;  // body: Some
  area[5] = (uint32_t)(uintptr_t)copy("hello", 5);
  area[6] = 5;
  return area;
}
