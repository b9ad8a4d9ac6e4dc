// A WAGI command that fetches $QUERY_STRING's url= through the deislabs
// wasi_experimental_http API and prints, as its CGI response:
//   "status=<n> x-test-upstream=<header> body=<body>" or "error=<code>".
// Built by hand against the witx lowering: strings as (pointer, length),
// results through out-pointers, an http_error as the return value.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("wasi_experimental_http"), import_name(name)))

IMPORT("req")
uint32_t http_req(const char* url, size_t url_length, const char* method, size_t method_length,
                  const char* headers, size_t headers_length, const char* body,
                  size_t body_length, uint16_t* status, uint32_t* handle);
IMPORT("close") uint32_t http_close(uint32_t handle);
IMPORT("header_get")
uint32_t http_header_get(uint32_t handle, const char* name, size_t name_length, char* value,
                         size_t capacity, size_t* written);
IMPORT("body_read")
uint32_t http_body_read(uint32_t handle, char* buffer, size_t capacity, size_t* written);

int main(void) {
  const char* query = getenv("QUERY_STRING");
  const char* url = query && strncmp(query, "url=", 4) == 0 ? query + 4 : "";
  printf("Content-Type: text/plain\n\n");
  uint16_t status = 0;
  uint32_t handle = 0;
  const char headers[] = "x-from-guest:yes\n";
  uint32_t error = http_req(url, strlen(url), "GET", 3, headers, sizeof headers - 1, "", 0,
                            &status, &handle);
  if (error) {
    printf("error=%u", error);
    return 0;
  }
  char value[64];
  size_t written = 0;
  error = http_header_get(handle, "X-Test-Upstream", 15, value, sizeof value, &written);
  printf("status=%u x-test-upstream=%.*s body=", status, error ? 4 : (int)written,
         error ? "none" : value);
  char chunk[5];  // small on purpose: the body comes in several reads
  for (;;) {
    error = http_body_read(handle, chunk, sizeof chunk, &written);
    if (error || written == 0) break;
    fwrite(chunk, 1, written, stdout);
  }
  printf("%s", http_close(handle) == 0 && http_close(handle) == 1 ? "" : " close-misbehaved");
  return 0;
}
