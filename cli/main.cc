// spindle: the command-line entry point. Each subcommand lives in its own
// file and registers itself here.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>
#include <vector>

#include "cli/build_command.h"
#include "cli/compile_command.h"
#include "cli/registry_command.h"
#include "cli/run_command.h"
#include "cli/up_command.h"
#include "engine/tier/native_cache.h"

int main(int argc, char** argv) {
  // The compiler child of a background compile (engine/tier), not a user command.
  if (argc > 1 && std::string(argv[1]) == spindle::tier::kCompileCommand) {
    return spindle::tier::RunCompileCommand(argc, argv);
  }
  CLI::App app{"Spindle: a serverless WebAssembly runtime"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "spindle 0.1.0");
  spindle::cli::RegisterRunCommand(app);
  spindle::cli::RegisterUpCommand(app);
  spindle::cli::RegisterBuildCommand(app);
  spindle::cli::RegisterCompileCommand(app);
  spindle::cli::RegisterRegistryCommand(app);
  std::vector<std::string> args(argv + 1, argv + argc);
  args = spindle::cli::SeparateGuestArguments(std::move(args));
  std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  return 0;
}
