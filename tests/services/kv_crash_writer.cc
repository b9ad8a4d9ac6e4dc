// Helper for the kill -9 durability test: sets key `argv[2]` to `argv[3]`
// in the SQLite key-value file `argv[1]`, prints "committed" once the set
// returned, then waits to be killed.
#include <unistd.h>

#include <cstdio>

#include "services/key_value.h"

int main(int argc, char** argv) {
  using namespace spindle::services;
  if (argc != 4) {
    std::fprintf(stderr, "usage: kv_crash_writer DB KEY VALUE\n");
    return 2;
  }
  RuntimeConfig config;
  config.key_value_stores["default"].path = argv[1];
  KeyValueService service(config);
  KeyValueSession session(service, {"default"});
  auto store = session.Open("default");
  if (!store.ok()) return 1;
  const std::string value = argv[3];
  if (!session.Set(*store, argv[2], std::vector<uint8_t>(value.begin(), value.end())).ok())
    return 1;
  std::printf("committed\n");
  std::fflush(stdout);
  for (;;) pause();
}
