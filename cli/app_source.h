// Where `spindle up` gets its app: a spin.toml (file or directory), a
// locked-app JSON (spin.json), or a registry reference (pulled into the
// cache first). Kept apart from up_command.cc so serving code can move
// without touching this.
#pragma once

#include <string>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::cli {

struct AppSourceOptions {
  std::string from;           // -f: path, or a registry reference when nothing exists there
  std::string from_registry;  // --from-registry: always a reference
  bool insecure = false;      // plain HTTP to a non-loopback registry
};

struct LoadedApp {
  app::App app;
  bool is_manifest = false;   // loaded from spin.toml (state dir .spin/ next to it makes sense)
};

// `-f REF` is treated as a registry reference only when no file or
// directory of that name exists and REF names its registry explicitly
// ("ghcr.io/o/app:1", "localhost:5000/app"), as Spin does.
Result<LoadedApp> LoadAppFromSource(const AppSourceOptions& options);

}  // namespace spindle::cli
