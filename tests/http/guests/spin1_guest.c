// A Spin 1 HTTP module written by hand against the wit-bindgen 0.2 ABI
// (spin-compat.md §4.2, §4.3): no generated bindings. Built as a WASI
// reactor, so there is no _start.
//
// The behaviour is chosen by the last segment of the request path (the uri
// up to '?'):
//   status     status from ?code=N (default 201), several headers including
//              two set-cookie, body "status body\n"
//   nobody     status 200, headers None, body None (tags 0)
//   badstatus  status 700
//   framing    sets its own content-length and transfer-encoding headers
//   badheader  a response header whose name has a space
//   badarea    returns a response area pointer outside memory
//   trap       executes `unreachable`
//   loop       loops forever
//   grow       grows memory one page at a time until refused, logs the page
//              count to stdout, then traps
//   counter    increments a static counter and returns its value
//   allocs     lists the allocations the host made for this request
//   slow       sleeps ?ms=N milliseconds (default 300), then answers "slow"
//   env        answers the value of the variable named by ?name=
//   log        writes a line to stdout and one to stderr
//   hello      "hello"
//   anything else: echo (method, uri, every header, params, body)
//
// The allocator exports track every live allocation (pointer, size,
// alignment). canonical_abi_free checks that the host frees exactly what was
// allocated, with the same size and alignment, and writes one trace line per
// call to stdout ("free ... live=N bad=M"); the handler writes
// "begin <uri>" first and "return live=N" last, so a test can read the
// component's stdout log and see that the host freed every response string
// and list.
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXPORT(name) __attribute__((export_name(name)))

// ---- allocation tracking ----------------------------------------------------

typedef struct {
  uint32_t ptr, size, align;
} Allocation;

enum { kMaxAllocations = 4096 };
static Allocation allocations[kMaxAllocations];
static int live = 0;      // entries in use, in allocation order
static int bad_frees = 0; // frees that matched no live allocation exactly

static void trace(const char* text) {
  // Straight to fd 1: a reactor never flushes stdio buffers.
  size_t length = strlen(text);
  while (length > 0) {
    ssize_t put = write(1, text, length);
    if (put <= 0) return;  // no log file: stdout is closed
    text += put;
    length -= (size_t)put;
  }
}

static int find_allocation(uint32_t ptr) {
  for (int i = 0; i < live; ++i) {
    if (allocations[i].ptr == ptr) return i;
  }
  return -1;
}

static void forget_allocation(int index) {
  memmove(&allocations[index], &allocations[index + 1],
          (size_t)(live - index - 1) * sizeof(Allocation));
  --live;
}

static void* allocate(size_t size, size_t align) {
  void* p = align <= 16 ? malloc(size) : aligned_alloc(align, (size + align - 1) / align * align);
  if (!p) __builtin_trap();
  if (live == kMaxAllocations) __builtin_trap();
  allocations[live++] = (Allocation){(uint32_t)(uintptr_t)p, (uint32_t)size, (uint32_t)align};
  return p;
}

static void release(void* p) {
  int index = find_allocation((uint32_t)(uintptr_t)p);
  if (index < 0) {
    ++bad_frees;
    return;
  }
  forget_allocation(index);
  free(p);
}

EXPORT("canonical_abi_realloc")
void* canonical_abi_realloc(void* ptr, size_t old_size, size_t align, size_t new_size) {
  if (new_size == 0) return (void*)align;
  if (!ptr || old_size == 0) return allocate(new_size, align);
  int index = find_allocation((uint32_t)(uintptr_t)ptr);
  if (index < 0 || allocations[index].size != old_size || allocations[index].align != align) {
    ++bad_frees;
    __builtin_trap();
  }
  void* grown = realloc(ptr, new_size);
  if (!grown) __builtin_trap();
  allocations[index].ptr = (uint32_t)(uintptr_t)grown;
  allocations[index].size = (uint32_t)new_size;
  return grown;
}

EXPORT("canonical_abi_free")
void canonical_abi_free(void* ptr, size_t size, size_t align) {
  if (size == 0) return;
  int index = find_allocation((uint32_t)(uintptr_t)ptr);
  if (index < 0 || allocations[index].size != size || allocations[index].align != align) {
    ++bad_frees;
  } else {
    forget_allocation(index);
    free(ptr);
  }
  char line[128];
  snprintf(line, sizeof line, "free ptr=%u size=%u align=%u live=%d bad=%d\n",
           (unsigned)(uintptr_t)ptr, (unsigned)size, (unsigned)align, live, bad_frees);
  trace(line);
}

// ---- a growable text buffer --------------------------------------------------

typedef struct {
  char* data;
  size_t length, capacity;
} Text;

static void text_append(Text* text, const void* bytes, size_t length) {
  if (text->length + length > text->capacity) {
    size_t capacity = text->capacity ? text->capacity : 256;
    while (capacity < text->length + length) capacity *= 2;
    char* grown = malloc(capacity);
    if (!grown) __builtin_trap();
    if (text->length) memcpy(grown, text->data, text->length);
    free(text->data);
    text->data = grown;
    text->capacity = capacity;
  }
  if (length) memcpy(text->data + text->length, bytes, length);
  text->length += length;
}

static void text_str(Text* text, const char* s) { text_append(text, s, strlen(s)); }

static void text_num(Text* text, long long n) {
  char digits[32];
  snprintf(digits, sizeof digits, "%lld", n);
  text_str(text, digits);
}

// Copies `length` bytes into a fresh tracked allocation for the response
// (the host frees it). Empty values get a dangling, never-freed pointer.
static uint32_t to_guest(const void* bytes, size_t length) {
  if (length == 0) return 1;
  void* p = allocate(length, 1);
  memcpy(p, bytes, length);
  return (uint32_t)(uintptr_t)p;
}

// ---- the export --------------------------------------------------------------

typedef struct {
  uint32_t name_ptr, name_len, value_ptr, value_len;
} HeaderField;

// The 28-byte return area of §4.3.
static struct {
  uint16_t status;
  uint16_t pad0;
  uint8_t headers_tag;
  uint8_t pad1[3];
  uint32_t headers_ptr, headers_len;
  uint8_t body_tag;
  uint8_t pad2[3];
  uint32_t body_ptr, body_len;
} ret_area __attribute__((aligned(4)));
_Static_assert(sizeof(ret_area) == 28, "response area is 28 bytes");

typedef struct {
  const char* name;
  const char* value;
} Header;

static void set_headers(const Header* headers, size_t count) {
  ret_area.headers_tag = 1;
  ret_area.headers_len = (uint32_t)count;
  if (count == 0) {
    ret_area.headers_ptr = 4;
    return;
  }
  HeaderField* fields = allocate(count * sizeof(HeaderField), 4);
  for (size_t i = 0; i < count; ++i) {
    fields[i].name_len = (uint32_t)strlen(headers[i].name);
    fields[i].name_ptr = to_guest(headers[i].name, fields[i].name_len);
    fields[i].value_len = (uint32_t)strlen(headers[i].value);
    fields[i].value_ptr = to_guest(headers[i].value, fields[i].value_len);
  }
  ret_area.headers_ptr = (uint32_t)(uintptr_t)fields;
}

static void set_body(const void* bytes, size_t length) {
  ret_area.body_tag = 1;
  ret_area.body_len = (uint32_t)length;
  ret_area.body_ptr = to_guest(bytes, length);
}

static void text_response(uint16_t status, const char* content_type, const Text* body) {
  ret_area.status = status;
  Header header = {"content-type", content_type};
  set_headers(&header, 1);
  set_body(body->data, body->length);
}

// The value of `key` in the query of `uri`, copied into `out`; "" if absent.
static void query_param(const char* uri, size_t uri_len, const char* key, char* out, size_t size) {
  out[0] = 0;
  const char* q = memchr(uri, '?', uri_len);
  if (!q) return;
  const char* end = uri + uri_len;
  size_t key_len = strlen(key);
  for (const char* p = q + 1; p < end;) {
    const char* amp = memchr(p, '&', (size_t)(end - p));
    if (!amp) amp = end;
    if ((size_t)(amp - p) > key_len && memcmp(p, key, key_len) == 0 && p[key_len] == '=') {
      size_t n = (size_t)(amp - p) - key_len - 1;
      if (n >= size) n = size - 1;
      memcpy(out, p + key_len + 1, n);
      out[n] = 0;
      return;
    }
    p = amp + 1;
  }
}

static int counter = 0;

EXPORT("handle-http-request")
void* handle_http_request(int32_t method, char* uri, uint32_t uri_len, HeaderField* headers,
                          uint32_t headers_len, HeaderField* params, uint32_t params_len,
                          int32_t body_tag, char* body, uint32_t body_len) {
  memset(&ret_area, 0, sizeof ret_area);

  // The operation: the last path segment.
  size_t path_len = uri_len;
  const char* q = memchr(uri, '?', uri_len);
  if (q) path_len = (size_t)(q - uri);
  size_t seg_start = path_len;
  while (seg_start > 0 && uri[seg_start - 1] != '/') --seg_start;
  char op[32] = {0};
  if (path_len - seg_start < sizeof op) memcpy(op, uri + seg_start, path_len - seg_start);

  {
    Text line = {0};
    text_str(&line, "begin ");
    text_append(&line, uri, uri_len);
    text_str(&line, "\n");
    text_append(&line, "", 1);
    trace(line.data);
    free(line.data);
  }

  Text out = {0};
  if (strcmp(op, "allocs") == 0) {
    // Before anything is freed: what the host allocated for this request.
    text_str(&out, "live=");
    text_num(&out, live);
    text_str(&out, "\n");
    for (int i = 0; i < live; ++i) {
      text_str(&out, "alloc size=");
      text_num(&out, allocations[i].size);
      text_str(&out, " align=");
      text_num(&out, allocations[i].align);
      text_str(&out, "\n");
    }
  }

  // The request's strings and lists belong to the guest: free them, as
  // generated bindings do, after taking what is needed. Keep a copy of the
  // uri for the operations below.
  char* uri_copy = malloc(uri_len + 1);
  memcpy(uri_copy, uri, uri_len);
  uri_copy[uri_len] = 0;

  if (strcmp(op, "allocs") == 0 || strcmp(op, "hello") == 0 || strcmp(op, "status") == 0 ||
      strcmp(op, "nobody") == 0 || strcmp(op, "badstatus") == 0 || strcmp(op, "counter") == 0 ||
      strcmp(op, "trap") == 0 || strcmp(op, "loop") == 0 || strcmp(op, "grow") == 0 ||
      strcmp(op, "slow") == 0 || strcmp(op, "env") == 0 || strcmp(op, "log") == 0 ||
      strcmp(op, "badheader") == 0 || strcmp(op, "badarea") == 0 ||
      strcmp(op, "framing") == 0) {
    // No echo needed.
  } else {
    text_str(&out, "method=");
    text_num(&out, method);
    text_str(&out, "\nuri=");
    text_append(&out, uri, uri_len);
    text_str(&out, "\n");
    for (uint32_t i = 0; i < headers_len; ++i) {
      text_str(&out, "header=");
      text_append(&out, (const char*)(uintptr_t)headers[i].name_ptr, headers[i].name_len);
      text_str(&out, ": ");
      text_append(&out, (const char*)(uintptr_t)headers[i].value_ptr, headers[i].value_len);
      text_str(&out, "\n");
    }
    text_str(&out, "params=");
    text_num(&out, params_len);
    text_str(&out, "\nbody-tag=");
    text_num(&out, body_tag);
    text_str(&out, "\nbody-length=");
    text_num(&out, body_tag ? (long long)body_len : -1);
    text_str(&out, "\nbody=");
    if (body_tag) text_append(&out, body, body_len);
  }

  if (uri_len) release(uri);
  for (uint32_t i = 0; i < headers_len; ++i) {
    if (headers[i].name_len) release((void*)(uintptr_t)headers[i].name_ptr);
    if (headers[i].value_len) release((void*)(uintptr_t)headers[i].value_ptr);
  }
  if (headers_len) release(headers);
  if (params_len) release(params);
  if (body_tag && body_len) release(body);

  if (strcmp(op, "status") == 0) {
    char code[16];
    query_param(uri_copy, uri_len, "code", code, sizeof code);
    ret_area.status = code[0] ? (uint16_t)atoi(code) : 201;
    static const Header headers_out[] = {
        {"content-type", "text/plain"}, {"x-one", "1"},       {"set-cookie", "a=1; Path=/"},
        {"x-two", "two words"},         {"set-cookie", "b=2"}, {"x-empty", ""},
    };
    set_headers(headers_out, sizeof headers_out / sizeof headers_out[0]);
    set_body("status body\n", 12);
  } else if (strcmp(op, "nobody") == 0) {
    ret_area.status = 200;
  } else if (strcmp(op, "badstatus") == 0) {
    ret_area.status = 700;
    text_str(&out, "never sent");
    set_body(out.data, out.length);
  } else if (strcmp(op, "framing") == 0) {
    ret_area.status = 200;
    static const Header framing[] = {{"content-type", "text/plain"},
                                     {"content-length", "999"},
                                     {"transfer-encoding", "chunked"}};
    set_headers(framing, 3);
    set_body("framed\n", 7);
  } else if (strcmp(op, "badheader") == 0) {
    ret_area.status = 200;
    static const Header bad[] = {{"bad name", "x"}};
    set_headers(bad, 1);
  } else if (strcmp(op, "badarea") == 0) {
    free(uri_copy);
    free(out.data);
    return (void*)(uintptr_t)0xfffffff0u;
  } else if (strcmp(op, "trap") == 0) {
    __builtin_trap();
  } else if (strcmp(op, "loop") == 0) {
    volatile uint32_t spin = 0;
    for (;;) ++spin;
  } else if (strcmp(op, "grow") == 0) {
    while (__builtin_wasm_memory_grow(0, 1) != (size_t)-1) {
    }
    char line[96];
    snprintf(line, sizeof line, "grow refused at pages=%u\n",
             (unsigned)__builtin_wasm_memory_size(0));
    trace(line);
    __builtin_trap();  // "out of memory": the request fails
  } else if (strcmp(op, "counter") == 0) {
    ++counter;
    text_str(&out, "counter=");
    text_num(&out, counter);
    text_response(200, "text/plain", &out);
  } else if (strcmp(op, "slow") == 0) {
    char ms_text[16];
    query_param(uri_copy, uri_len, "ms", ms_text, sizeof ms_text);
    long ms = ms_text[0] ? atol(ms_text) : 300;
    trace("slow: sleeping\n");  // lets a test know the request is in the guest
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    text_str(&out, "slow");
    text_response(200, "text/plain", &out);
  } else if (strcmp(op, "env") == 0) {
    char name[64];
    query_param(uri_copy, uri_len, "name", name, sizeof name);
    const char* value = getenv(name);
    text_str(&out, value ? value : "(unset)");
    text_response(200, "text/plain", &out);
  } else if (strcmp(op, "log") == 0) {
    trace("spin1 guest says hello on stdout\n");
    static const char line[] = "spin1 guest says hello on stderr\n";
    if (write(2, line, sizeof line - 1) < 0) {
      // No log file: nothing to do.
    }
    text_str(&out, "logged");
    text_response(200, "text/plain", &out);
  } else if (strcmp(op, "hello") == 0) {
    text_str(&out, "hello");
    text_response(200, "text/plain", &out);
  } else {
    text_response(200, "text/plain", &out);
  }
  free(out.data);
  free(uri_copy);

  char line[64];
  snprintf(line, sizeof line, "return live=%d bad=%d\n", live, bad_frees);
  trace(line);
  return &ret_area;
}
