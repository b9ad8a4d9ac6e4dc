// `spindle up`: serves a Spin application (spin.toml v1 or v2).
#pragma once

#include <CLI/CLI.hpp>

namespace spindle::cli {

void RegisterUpCommand(CLI::App& app);

}  // namespace spindle::cli
