// The smallest WAGI module: a WASI command that prints a CGI response.
#include <unistd.h>

int main(void) {
  static const char kResponse[] = "content-type: text/plain\n\nhello";
  return write(1, kResponse, sizeof kResponse - 1) == sizeof kResponse - 1 ? 0 : 1;
}
