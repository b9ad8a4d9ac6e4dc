// `spindle run`: runs a WASI command's _start, or one export with --invoke.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace spindle::cli {

void RegisterRunCommand(CLI::App& app);

// Inserts "--" before the module path of a `run` command line so that the
// guest's own arguments are never parsed as spindle options.
std::vector<std::string> SeparateGuestArguments(std::vector<std::string> args);

}  // namespace spindle::cli
