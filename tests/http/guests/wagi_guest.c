// A WAGI (CGI over WASI) module: a plain WASI command with main. The
// behaviour is chosen by the last segment of PATH_INFO (spin-compat.md §3):
//   stdin          echoes the request body verbatim (application/octet-stream)
//   redirect       "Location: /elsewhere" only                        -> 302
//   redirect301    "Location" and "Status: 301 Moved Permanently"    -> 301
//   teapotlocation "Status: 418" then "Location: /tea"                 -> 418
//   teapot         "Status: 418 I'm a teapot" and a content type      -> 418
//   statusonly     "Status: 204" and nothing else                     -> 204
//   nocontent      "Status: 204" with a body anyway                   -> 204, no body
//   framing        its own Content-Length header, wrong for the body
//   crlf           CRLF header lines and a body with CRs in it
//   notype         a header block without content-type/status/location -> 500
//   nobreak        output with no blank line at all                   -> 500
//   badstatus      "Status: abc"                                      -> 502
//   nothing        writes nothing                                     -> 500
//   exit3          valid output, then exit(3)                         -> 500
//   exit0          valid output, then exit(0)                         -> 200
//   big            more output than the 64 MiB cap                    -> 500
//   trap           `unreachable`                                      -> 500
//   loop           loops forever (for the time limit)                 -> 500
//   counter        a static counter: always 1 on a fresh instance
//   log            a line on stderr, a normal response on stdout
//   hello          "hello"
//   anything else: dumps argv, the whole environment and stdin
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char** environ;

static void put(const char* text) {
  size_t length = strlen(text);
  while (length > 0) {
    ssize_t n = write(1, text, length);
    if (n <= 0) exit(9);
    text += n;
    length -= (size_t)n;
  }
}

static void put_bytes(const char* bytes, size_t length) {
  while (length > 0) {
    ssize_t n = write(1, bytes, length);
    if (n <= 0) exit(9);
    bytes += n;
    length -= (size_t)n;
  }
}

static char* read_stdin(size_t* length) {
  size_t capacity = 4096;
  char* data = malloc(capacity);
  *length = 0;
  for (;;) {
    if (*length == capacity) {
      capacity *= 2;
      data = realloc(data, capacity);
    }
    ssize_t n = read(0, data + *length, capacity - *length);
    if (n <= 0) break;
    *length += (size_t)n;
  }
  return data;
}

static int counter = 0;

int main(int argc, char** argv) {
  const char* path_info = getenv("PATH_INFO");
  if (!path_info) path_info = "";
  const char* slash = strrchr(path_info, '/');
  const char* op = slash ? slash + 1 : path_info;

  if (strcmp(op, "stdin") == 0) {
    size_t length;
    char* body = read_stdin(&length);
    put("Content-Type: application/octet-stream\n\n");
    put_bytes(body, length);
  } else if (strcmp(op, "redirect") == 0) {
    put("Location: /elsewhere\n\n");
  } else if (strcmp(op, "redirect301") == 0) {
    put("Location: https://example.com/moved\nStatus: 301 Moved Permanently\n\n");
  } else if (strcmp(op, "teapotlocation") == 0) {
    put("Status: 418\nLocation: /tea\n\n");
  } else if (strcmp(op, "teapot") == 0) {
    put("Status: 418 I'm a teapot\nContent-Type: text/plain\nX-Tea: earl grey\n\nshort and stout\n");
  } else if (strcmp(op, "statusonly") == 0) {
    put("Status: 204\n\n");
  } else if (strcmp(op, "nocontent") == 0) {
    put("Status: 204\nContent-Type: text/plain\n\na body that 204 forbids\n");
  } else if (strcmp(op, "framing") == 0) {
    put("Content-Type: text/plain\nContent-Length: 3\nTransfer-Encoding: chunked\n\nframed body\n");
  } else if (strcmp(op, "crlf") == 0) {
    put("Content-Type: text/plain\r\nX-Crlf: yes\r\n\r\nline one\r\nline two\n");
  } else if (strcmp(op, "notype") == 0) {
    put("X-Thing: 1\n\nno content type here\n");
  } else if (strcmp(op, "nobreak") == 0) {
    put("just some text without a header block");
  } else if (strcmp(op, "badstatus") == 0) {
    put("Status: abc\nContent-Type: text/plain\n\nbad status\n");
  } else if (strcmp(op, "nothing") == 0) {
    // No output at all.
  } else if (strcmp(op, "exit3") == 0) {
    put("Content-Type: text/plain\n\nabout to fail\n");
    exit(3);
  } else if (strcmp(op, "exit0") == 0) {
    put("Content-Type: text/plain\n\nexited cleanly\n");
    exit(0);
  } else if (strcmp(op, "big") == 0) {
    // 80 MiB in 1 MiB writes; stop at the first refused write.
    enum { kChunk = 1 << 20 };
    char* chunk = malloc(kChunk);
    memset(chunk, 'x', kChunk);
    put("Content-Type: text/plain\n\n");
    for (int i = 0; i < 80; ++i) {
      if (write(1, chunk, kChunk) != kChunk) break;
    }
  } else if (strcmp(op, "trap") == 0) {
    __builtin_trap();
  } else if (strcmp(op, "loop") == 0) {
    volatile unsigned spin = 0;
    for (;;) ++spin;
  } else if (strcmp(op, "counter") == 0) {
    ++counter;
    printf("Content-Type: text/plain\n\ncounter=%d", counter);
  } else if (strcmp(op, "log") == 0) {
    fputs("wagi guest says hello on stderr\n", stderr);
    put("Content-Type: text/plain\n\nlogged\n");
  } else if (strcmp(op, "hello") == 0) {
    put("Content-Type: text/plain\n\nhello\n");
  } else {
    size_t length;
    char* body = read_stdin(&length);
    printf("Content-Type: text/plain\n\n");
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
    for (char** e = environ; *e; ++e) printf("env=%s\n", *e);
    printf("stdin-length=%zu\nstdin=", length);
    fwrite(body, 1, length, stdout);
  }
  fflush(stdout);
  return 0;
}
