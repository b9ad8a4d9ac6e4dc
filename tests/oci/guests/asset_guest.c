// A WAGI module that serves its mounted files: GET /<path> answers the
// guest file /<path> as text/plain, or 404 when it cannot be opened. The
// OCI tests use it to prove that `files` travel through images and
// registries to the place the manifest says.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  const char* path = getenv("PATH_INFO");
  if (!path || !*path) path = "/";
  FILE* file = fopen(path, "rb");
  if (!file) {
    printf("Status: 404 Not Found\nContent-Type: text/plain\n\nno file %s\n", path);
    return 0;
  }
  printf("Content-Type: text/plain\n\n");
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, file)) > 0) fwrite(buffer, 1, got, stdout);
  fclose(file);
  return 0;
}
