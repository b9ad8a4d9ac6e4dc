// The example module that `./dev up` runs until the app host exists: a WASI
// command that greets, lists its arguments and reads an environment variable.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  const char* name = getenv("NAME");
  printf("Hello from Spindle, %s!\n", name ? name : "world");
  for (int i = 1; i < argc; ++i) printf("  arg %d: %s\n", i, argv[i]);
  return 0;
}
