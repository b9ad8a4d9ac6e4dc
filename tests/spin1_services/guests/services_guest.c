// A Spin 1 HTTP module that calls every Spin 1 host import by hand, through
// the wit-bindgen 0.2 ABI (spin-compat.md §4.1, §4.2, §4.5): no generated
// bindings, so the byte layouts are exactly what the host must produce.
//
// The request path picks the call, the query string gives its arguments
// (percent-decoded), and the body is one line describing the outcome:
//   ok <value>            the call succeeded (lists as items joined by ',')
//   err <code> [<text>]   the error variant's case number and its string
//
//   /kv/open?store=S                          open, then close
//   /kv/set?store=S&key=K&value=V             open, set, close
//   /kv/get?store=S&key=K                     open, get, close
//   /kv/delete?store=S&key=K
//   /kv/exists?store=S&key=K
//   /kv/keys?store=S                          get-keys, in the order the host gives
//   /kv/badhandle                             get on a handle never opened
//   /kv/badptr                                open with a name pointer outside memory
//                                             (the host must trap the guest)
//   /config?key=K                             spin-config get-config
//   /http?url=U[&method=N][&body=B][&header=NAME:VALUE]
//                                             wasi-outbound-http request; ok <status> <body>
//   /redis/publish?addr=A&channel=C&payload=P
//   /redis/set?addr=A&key=K&value=V, /redis/get?addr=A&key=K, /redis/incr?addr=A&key=K
//   /redis/del?addr=A&key=K, /redis/sadd?addr=A&key=K&value=V, /redis/srem?addr=A&key=K&value=V
//   /redis/smembers?addr=A&key=K
//   /redis/execute?addr=A&command=C[&arg=X]...  args that parse as integers go as int64
//   /sqlite?db=D&sql=S[&arg=X]...             open, execute, close; ok <columns>|<row>|<row>
//                                             args: i:N integer, r:F real, t:S text,
//                                             b:S blob, n null
//   /sqlite/badconn                           execute on a connection never opened
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

// ---- allocator exports --------------------------------------------------------

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

// ---- host imports ---------------------------------------------------------------

typedef struct {
  const char* ptr;
  uint32_t len;
} Str;  // a string or list<u8> as the ABI passes it

IMPORT("key-value", "open") void kv_open(const char*, uint32_t, uint8_t* ret);
IMPORT("key-value", "get") void kv_get(uint32_t, const char*, uint32_t, uint8_t* ret);
IMPORT("key-value", "set")
void kv_set(uint32_t, const char*, uint32_t, const char*, uint32_t, uint8_t* ret);
IMPORT("key-value", "delete") void kv_delete(uint32_t, const char*, uint32_t, uint8_t* ret);
IMPORT("key-value", "exists") void kv_exists(uint32_t, const char*, uint32_t, uint8_t* ret);
IMPORT("key-value", "get-keys") void kv_get_keys(uint32_t, uint8_t* ret);
IMPORT("key-value", "close") void kv_close(uint32_t);

IMPORT("spin-config", "get-config") void config_get(const char*, uint32_t, uint8_t* ret);

IMPORT("wasi-outbound-http", "request")
void http_request(int32_t method, const char* uri, uint32_t uri_len, const Str* headers,
                  uint32_t header_count, const Str* params, uint32_t param_count, int32_t body_tag,
                  const char* body, uint32_t body_len, uint8_t* ret);

IMPORT("outbound-redis", "publish")
void redis_publish(const char*, uint32_t, const char*, uint32_t, const char*, uint32_t, uint8_t*);
IMPORT("outbound-redis", "get") void redis_get(const char*, uint32_t, const char*, uint32_t, uint8_t*);
IMPORT("outbound-redis", "set")
void redis_set(const char*, uint32_t, const char*, uint32_t, const char*, uint32_t, uint8_t*);
IMPORT("outbound-redis", "incr") void redis_incr(const char*, uint32_t, const char*, uint32_t, uint8_t*);
IMPORT("outbound-redis", "del") void redis_del(const char*, uint32_t, const Str*, uint32_t, uint8_t*);
IMPORT("outbound-redis", "sadd")
void redis_sadd(const char*, uint32_t, const char*, uint32_t, const Str*, uint32_t, uint8_t*);
IMPORT("outbound-redis", "srem")
void redis_srem(const char*, uint32_t, const char*, uint32_t, const Str*, uint32_t, uint8_t*);
IMPORT("outbound-redis", "smembers")
void redis_smembers(const char*, uint32_t, const char*, uint32_t, uint8_t*);

typedef struct {
  uint8_t tag;  // 0 int64, 1 binary
  uint8_t pad[7];
  union {
    int64_t int64;
    Str binary;
  } as;
} RedisParameter;  // 16 bytes, payload at 8
IMPORT("outbound-redis", "execute")
void redis_execute(const char*, uint32_t, const char*, uint32_t, const RedisParameter*, uint32_t,
                   uint8_t*);

typedef struct {
  uint8_t tag;  // 0 integer, 1 real, 2 text, 3 blob, 4 null
  uint8_t pad[7];
  union {
    int64_t integer;
    double real;
    Str bytes;
  } as;
} SqliteValue;  // 16 bytes, payload at 8
IMPORT("sqlite", "open") void sqlite_open(const char*, uint32_t, uint8_t* ret);
IMPORT("sqlite", "execute")
void sqlite_execute(uint32_t, const char*, uint32_t, const SqliteValue*, uint32_t, uint8_t* ret);
IMPORT("sqlite", "close") void sqlite_close(uint32_t);

// ---- reading result areas --------------------------------------------------------

static uint32_t u32_at(const uint8_t* area, int offset) {
  uint32_t value;
  memcpy(&value, area + offset, 4);
  return value;
}
static int64_t i64_at(const uint8_t* area, int offset) {
  int64_t value;
  memcpy(&value, area + offset, 8);
  return value;
}
static Str str_at(const uint8_t* area, int offset) {
  Str s = {(const char*)(uintptr_t)u32_at(area, offset), u32_at(area, offset + 4)};
  return s;
}

// ---- the answer -------------------------------------------------------------------

static char out[65536];
static size_t out_len;

static void put(const char* bytes, size_t length) {
  if (length > sizeof out - out_len) length = sizeof out - out_len;
  memcpy(out + out_len, bytes, length);
  out_len += length;
}
static void puts_(const char* s) { put(s, strlen(s)); }
static void put_str(Str s) { put(s.ptr, s.len); }
static void put_num(long long n) {
  char text[32];
  snprintf(text, sizeof text, "%lld", n);
  puts_(text);
}
static void put_list(const uint8_t* list, uint32_t count) {  // list<string>
  for (uint32_t i = 0; i < count; ++i) {
    if (i) puts_(",");
    put_str(str_at(list + i * 8, 0));
  }
}

// "err <case> [<text>]" for a variant whose string payload (if any) sits at
// +8 of the variant, which starts at `offset` of the area.
static void put_variant_error(const uint8_t* area, int offset, int string_case) {
  puts_("err ");
  put_num(area[offset]);
  if (string_case < 0 || area[offset] == string_case) {
    puts_(" ");
    put_str(str_at(area, offset + 4));
  }
}

// ---- the request ------------------------------------------------------------------

enum { kMaxParams = 16 };
static char path[512];
static char keys[kMaxParams][64];
static char values[kMaxParams][1024];
static int param_count;

static int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void decode(const char* from, size_t length, char* to, size_t size) {
  size_t n = 0;
  for (size_t i = 0; i < length && n + 1 < size; ++i) {
    if (from[i] == '%' && i + 2 < length && hex(from[i + 1]) >= 0 && hex(from[i + 2]) >= 0) {
      to[n++] = (char)(hex(from[i + 1]) * 16 + hex(from[i + 2]));
      i += 2;
    } else {
      to[n++] = from[i] == '+' ? ' ' : from[i];
    }
  }
  to[n] = 0;
}

static void parse_uri(const char* uri, uint32_t length) {
  const char* question = memchr(uri, '?', length);
  size_t path_length = question ? (size_t)(question - uri) : length;
  decode(uri, path_length, path, sizeof path);
  param_count = 0;
  if (!question) return;
  const char* at = question + 1;
  const char* end = uri + length;
  while (at < end && param_count < kMaxParams) {
    const char* amp = memchr(at, '&', (size_t)(end - at));
    const char* stop = amp ? amp : end;
    const char* eq = memchr(at, '=', (size_t)(stop - at));
    const char* key_end = eq ? eq : stop;
    decode(at, (size_t)(key_end - at), keys[param_count], sizeof keys[0]);
    if (eq) {
      decode(eq + 1, (size_t)(stop - eq - 1), values[param_count], sizeof values[0]);
    } else {
      values[param_count][0] = 0;
    }
    ++param_count;
    at = stop + 1;
  }
}

static const char* arg(const char* key) {
  for (int i = 0; i < param_count; ++i) {
    if (strcmp(keys[i], key) == 0) return values[i];
  }
  return "";
}

#define S(text) (text), (uint32_t)strlen(text)

// ---- the calls ------------------------------------------------------------------

static uint8_t area[64] __attribute__((aligned(8)));

// Opens the store named by ?store=; on failure writes the error and returns 0.
static int open_store(uint32_t* handle) {
  kv_open(S(arg("store")), area);
  if (area[0]) {
    put_variant_error(area, 4, 5);
    return 0;
  }
  *handle = u32_at(area, 4);
  return 1;
}

static void key_value(const char* op) {
  uint32_t store = 0;
  if (strcmp(op, "badptr") == 0) {
    kv_open((const char*)0xfffffff0u, 64, area);
    puts_("ok (not trapped)");
    return;
  }
  if (strcmp(op, "badhandle") == 0) {
    kv_get(12345, S("k"), area);
    if (area[0]) put_variant_error(area, 4, 5);
    else puts_("ok");
    return;
  }
  if (!open_store(&store)) return;
  if (strcmp(op, "open") == 0) {
    puts_("ok ");
    put_num(store);
  } else if (strcmp(op, "set") == 0) {
    kv_set(store, S(arg("key")), S(arg("value")), area);
    if (area[0]) put_variant_error(area, 4, 5);
    else puts_("ok");
  } else if (strcmp(op, "get") == 0) {
    kv_get(store, S(arg("key")), area);
    if (area[0]) {
      put_variant_error(area, 4, 5);
    } else {
      puts_("ok ");
      Str value = str_at(area, 4);
      put_str(value);
      canonical_abi_free((void*)value.ptr, value.len, 1);
    }
  } else if (strcmp(op, "delete") == 0) {
    kv_delete(store, S(arg("key")), area);
    if (area[0]) put_variant_error(area, 4, 5);
    else puts_("ok");
  } else if (strcmp(op, "exists") == 0) {
    kv_exists(store, S(arg("key")), area);
    if (area[0]) put_variant_error(area, 4, 5);
    else puts_(area[4] ? "ok true" : "ok false");
  } else if (strcmp(op, "keys") == 0) {
    kv_get_keys(store, area);
    if (area[0]) {
      put_variant_error(area, 4, 5);
    } else {
      puts_("ok ");
      put_list((const uint8_t*)(uintptr_t)u32_at(area, 4), u32_at(area, 8));
    }
  }
  kv_close(store);
}

static void config(void) {
  config_get(S(arg("key")), area);
  if (area[0]) {
    put_variant_error(area, 4, -1);  // every case carries a string
  } else {
    puts_("ok ");
    put_str(str_at(area, 4));
  }
}

static void outbound_http(void) {
  Str header[2];
  static char name[256];
  const char* header_arg = arg("header");
  uint32_t header_count = 0;
  const char* colon = strchr(header_arg, ':');
  if (colon) {
    size_t length = (size_t)(colon - header_arg);
    memcpy(name, header_arg, length);
    name[length] = 0;
    header[0] = (Str){name, (uint32_t)length};
    header[1] = (Str){colon + 1, (uint32_t)strlen(colon + 1)};
    header_count = 1;
  }
  const char* method = arg("method");
  const char* body = arg("body");
  http_request(method[0] ? atoi(method) : 0, S(arg("url")), header, header_count, NULL, 0,
               body[0] ? 1 : 0, body, (uint32_t)strlen(body), area);
  if (area[0]) {
    puts_("err ");
    put_num(area[4]);
    return;
  }
  uint16_t status;
  memcpy(&status, area + 4, 2);
  puts_("ok ");
  put_num(status);
  if (area[8]) {  // headers: report the first x-test-* header
    const uint8_t* list = (const uint8_t*)(uintptr_t)u32_at(area, 12);
    for (uint32_t i = 0; i < u32_at(area, 16); ++i) {
      Str header_name = str_at(list + i * 16, 0);
      if (header_name.len > 7 && memcmp(header_name.ptr, "x-test-", 7) == 0) {
        puts_(" ");
        put_str(header_name);
        puts_("=");
        put_str(str_at(list + i * 16, 8));
      }
    }
  }
  if (area[20]) {
    puts_(" ");
    put_str(str_at(area, 24));
  }
}

// outbound-redis errors are an enum (no string); its position depends on
// the ok payload's alignment.
static void redis_unit_result(void) {
  if (area[0]) {
    puts_("err ");
    put_num(area[1]);
  } else {
    puts_("ok");
  }
}
static void redis_i64_result(void) {
  if (area[0]) {
    puts_("err ");
    put_num(area[8]);
  } else {
    puts_("ok ");
    put_num(i64_at(area, 8));
  }
}

static void redis(const char* op) {
  const char* addr = arg("addr");
  Str value = {arg("value"), (uint32_t)strlen(arg("value"))};
  Str key = {arg("key"), (uint32_t)strlen(arg("key"))};
  if (strcmp(op, "publish") == 0) {
    redis_publish(S(addr), S(arg("channel")), S(arg("payload")), area);
    redis_unit_result();
  } else if (strcmp(op, "set") == 0) {
    redis_set(S(addr), key.ptr, key.len, value.ptr, value.len, area);
    redis_unit_result();
  } else if (strcmp(op, "get") == 0) {
    redis_get(S(addr), key.ptr, key.len, area);
    if (area[0]) {
      puts_("err ");
      put_num(area[4]);
    } else {
      puts_("ok ");
      put_str(str_at(area, 4));
    }
  } else if (strcmp(op, "incr") == 0) {
    redis_incr(S(addr), key.ptr, key.len, area);
    redis_i64_result();
  } else if (strcmp(op, "del") == 0) {
    redis_del(S(addr), &key, 1, area);
    redis_i64_result();
  } else if (strcmp(op, "sadd") == 0) {
    redis_sadd(S(addr), key.ptr, key.len, &value, 1, area);
    redis_i64_result();
  } else if (strcmp(op, "srem") == 0) {
    redis_srem(S(addr), key.ptr, key.len, &value, 1, area);
    redis_i64_result();
  } else if (strcmp(op, "smembers") == 0) {
    redis_smembers(S(addr), key.ptr, key.len, area);
    if (area[0]) {
      puts_("err ");
      put_num(area[4]);
    } else {
      puts_("ok ");
      put_list((const uint8_t*)(uintptr_t)u32_at(area, 4), u32_at(area, 8));
    }
  } else if (strcmp(op, "execute") == 0) {
    RedisParameter params[kMaxParams];
    uint32_t count = 0;
    for (int i = 0; i < param_count; ++i) {
      if (strcmp(keys[i], "arg") != 0) continue;
      char* end = NULL;
      long long number = strtoll(values[i], &end, 10);
      memset(&params[count], 0, sizeof params[count]);
      if (values[i][0] && *end == 0) {
        params[count].tag = 0;
        params[count].as.int64 = number;
      } else {
        params[count].tag = 1;
        params[count].as.binary = (Str){values[i], (uint32_t)strlen(values[i])};
      }
      ++count;
    }
    redis_execute(S(addr), S(arg("command")), params, count, area);
    if (area[0]) {
      puts_("err ");
      put_num(area[4]);
      return;
    }
    puts_("ok");
    const uint8_t* results = (const uint8_t*)(uintptr_t)u32_at(area, 4);
    for (uint32_t i = 0; i < u32_at(area, 8); ++i) {
      const uint8_t* result = results + i * 16;
      switch (result[0]) {
        case 0: puts_(" nil"); break;
        case 1: puts_(" status:"); put_str(str_at(result, 8)); break;
        case 2: puts_(" int:"); put_num(i64_at(result, 8)); break;
        case 3: puts_(" bin:"); put_str(str_at(result, 8)); break;
        default: puts_(" ?"); break;
      }
    }
  }
}

static void put_sqlite_value(const uint8_t* value) {
  switch (value[0]) {
    case 0: put_num(i64_at(value, 8)); break;
    case 1: {
      double real;
      memcpy(&real, value + 8, 8);
      char text[64];
      snprintf(text, sizeof text, "%g", real);
      puts_(text);
      break;
    }
    case 2: puts_("'"); put_str(str_at(value, 8)); puts_("'"); break;
    case 3: puts_("x'"); put_str(str_at(value, 8)); puts_("'"); break;
    case 4: puts_("null"); break;
    default: puts_("?"); break;
  }
}

static void sqlite(const char* op) {
  if (strcmp(op, "badconn") == 0) {
    sqlite_execute(777, S("select 1"), NULL, 0, area);
    if (area[0]) put_variant_error(area, 4, 4);
    else puts_("ok");
    return;
  }
  sqlite_open(S(arg("db")), area);
  if (area[0]) {
    put_variant_error(area, 4, 4);
    return;
  }
  uint32_t connection = u32_at(area, 4);
  SqliteValue params[kMaxParams];
  uint32_t count = 0;
  for (int i = 0; i < param_count; ++i) {
    if (strcmp(keys[i], "arg") != 0) continue;
    const char* text = values[i];
    SqliteValue* value = &params[count++];
    memset(value, 0, sizeof *value);
    if (text[0] == 'i') {
      value->tag = 0;
      value->as.integer = strtoll(text + 2, NULL, 10);
    } else if (text[0] == 'r') {
      value->tag = 1;
      value->as.real = strtod(text + 2, NULL);
    } else if (text[0] == 't' || text[0] == 'b') {
      value->tag = text[0] == 't' ? 2 : 3;
      value->as.bytes = (Str){text + 2, (uint32_t)strlen(text + 2)};
    } else {
      value->tag = 4;
    }
  }
  sqlite_execute(connection, S(arg("sql")), params, count, area);
  if (area[0]) {
    put_variant_error(area, 4, 4);
  } else {
    puts_("ok ");
    put_list((const uint8_t*)(uintptr_t)u32_at(area, 4), u32_at(area, 8));
    const uint8_t* rows = (const uint8_t*)(uintptr_t)u32_at(area, 12);
    for (uint32_t r = 0; r < u32_at(area, 16); ++r) {
      puts_("|");
      const uint8_t* row_values = (const uint8_t*)(uintptr_t)u32_at(rows + r * 8, 0);
      for (uint32_t c = 0; c < u32_at(rows + r * 8, 4); ++c) {
        if (c) puts_(",");
        put_sqlite_value(row_values + c * 16);
      }
    }
  }
  sqlite_close(connection);
}

// ---- the export --------------------------------------------------------------------

static uint8_t response_area[28] __attribute__((aligned(4)));
static Str content_type[2] = {{"content-type", 12}, {"text/plain", 10}};

EXPORT("handle-http-request")
uint8_t* handle_http_request(int32_t method, const char* uri, uint32_t uri_len, void* headers,
                             uint32_t header_count, void* params, uint32_t params_len,
                             int32_t body_tag, const char* body, uint32_t body_len) {
  (void)method, (void)headers, (void)header_count, (void)params, (void)params_len;
  (void)body_tag, (void)body, (void)body_len;
  out_len = 0;
  parse_uri(uri, uri_len);
  if (strncmp(path, "/kv/", 4) == 0) {
    key_value(path + 4);
  } else if (strcmp(path, "/config") == 0) {
    config();
  } else if (strcmp(path, "/http") == 0) {
    outbound_http();
  } else if (strncmp(path, "/redis/", 7) == 0) {
    redis(path + 7);
  } else if (strncmp(path, "/sqlite", 7) == 0) {
    sqlite(path[7] == '/' ? path + 8 : "");
  } else {
    puts_("unknown path ");
    puts_(path);
  }
  // The host frees what the response points at, so hand it fresh copies.
  Str* header_copy = malloc(sizeof content_type);
  for (int i = 0; i < 2; ++i) {
    char* text = malloc(content_type[i].len);
    memcpy(text, content_type[i].ptr, content_type[i].len);
    header_copy[i] = (Str){text, content_type[i].len};
  }
  char* body_copy = malloc(out_len ? out_len : 1);
  memcpy(body_copy, out, out_len);
  uint16_t status = 200;
  memcpy(response_area, &status, 2);
  response_area[4] = 1;
  uint32_t words[5] = {(uint32_t)(uintptr_t)header_copy, 1, 1, (uint32_t)(uintptr_t)body_copy,
                       (uint32_t)out_len};
  memcpy(response_area + 8, &words[0], 8);
  response_area[16] = words[2];
  memcpy(response_area + 20, &words[3], 8);
  return response_area;
}
