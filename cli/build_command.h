// `spindle build`: runs the components' build commands like `spin build`,
// or with --image packs the app into an OCI image-layout tar.
#pragma once

#include <CLI/CLI.hpp>

namespace spindle::cli {

void RegisterBuildCommand(CLI::App& app);

}  // namespace spindle::cli
