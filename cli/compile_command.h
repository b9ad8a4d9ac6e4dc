// `spindle compile`: ahead-of-time native code for modules, into the cache
// (so `spindle up` starts on native code) or to a .swasm file.
#pragma once

#include <CLI/CLI.hpp>

namespace spindle::cli {

void RegisterCompileCommand(CLI::App& app);

}  // namespace spindle::cli
