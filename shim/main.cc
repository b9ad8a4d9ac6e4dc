// containerd-shim-spindle-v2: containerd's runtime-v2 shim for Spin apps,
// runtime type io.containerd.spindle.v2 (or this binary's absolute path).
// docs/shim.md describes the protocol subset and the process model.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tier/native_cache.h"
#include "shim/daemon.h"
#include "shim/flags.h"
#include "shim/task_main.h"

int main(int argc, char** argv) {
  using namespace spindle::shim;
  if (argc > 1 && std::string_view(argv[1]) == spindle::tier::kCompileCommand) {
    return spindle::tier::RunCompileCommand(argc, argv);
  }
  auto flags = ParseFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (!flags.ok()) {
    std::fprintf(stderr, "containerd-shim-spindle-v2: %s\n", flags.error().message.c_str());
    return 2;
  }
  if (flags->version) {
    std::printf("containerd-shim-spindle-v2:\n  Version: 0.1.0\n  Runtime: io.containerd.spindle.v2\n");
    return 0;
  }
  if (flags->action == "start") return RunStart(*flags);
  if (flags->action == "delete") return RunDelete(*flags);
  if (flags->action == "task") return RunTask(*flags);  // internal: see task_main.h
  std::fprintf(stderr,
               "usage: containerd-shim-spindle-v2 -namespace NS -address ADDR -id ID "
               "[-bundle DIR] start|delete\n"
               "(containerd runs this; see docs/shim.md)\n");
  return 2;
}
