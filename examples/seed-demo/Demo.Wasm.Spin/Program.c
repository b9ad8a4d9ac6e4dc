// The seed's demo, in C: a WAGI (CGI) program. The original was a .NET 7
// WASI build; what Spin serves is the same: a content type, a blank line,
// and the body, for any path.
#include <stdio.h>

int main(void) {
  printf("Content-Type: text/plain\n\n-- Demo.Wasm.Spin --\n");
  return 0;
}
