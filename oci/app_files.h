// What a FROM-scratch image of an app holds: the manifest as `spin.toml`
// at the root, and every component source and `files` entry at its path
// relative to the app root, so the same spin.toml works from the image root.
#pragma once

#include <vector>

#include "app/app.h"
#include "engine/base/result.h"
#include "oci/tar_layer.h"

namespace spindle::oci {

// Files in path order. Directory mounts are expanded to their regular
// files; `exclude_files` is applied as app::ResolveFiles applies it. A
// source outside the app root is an error naming the manifest position (a
// `COPY` could not place it either).
Result<std::vector<LayerFile>> CollectAppFiles(const app::App& app);

}  // namespace spindle::oci
