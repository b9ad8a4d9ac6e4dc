// `spindle registry push | pull | login`: Spin apps in OCI registries, in
// Spin's artifact format (docs/oci.md).
#pragma once

#include <CLI/CLI.hpp>

namespace spindle::cli {

void RegisterRegistryCommand(CLI::App& app);

}  // namespace spindle::cli
