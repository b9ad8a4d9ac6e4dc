// `spindle build --image`: an app as a FROM-scratch OCI image (one gzip tar
// layer, config architecture "wasm" / os "wasip1"), written as an OCI
// image-layout tar that `ctr images import --all-platforms` and skopeo read.
// Format details: docs/oci.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"
#include "oci/image_layout.h"

namespace spindle::oci {

struct ImageOptions {
  // The image name, any reference form ("app:1.0", "ghcr.io/o/app:1");
  // empty: "docker.io/library/<app name>:<version or latest>".
  std::string name;
};

struct BuiltImage {
  std::string name;             // normalized, as io.containerd.image.name
  std::string manifest_digest;
  std::string config_digest;
  std::string layer_digest;
  std::string diff_id;
  size_t file_count = 0;        // regular files in the layer
  std::string index_json;
  std::vector<Blob> blobs;      // config, layer, manifest
};

Result<BuiltImage> BuildAppImage(const app::App& app, const ImageOptions& options);

// BuildAppImage, then WriteImageLayoutTar to `out`.
Result<BuiltImage> WriteAppImage(const app::App& app, const ImageOptions& options,
                                 const std::filesystem::path& out);

}  // namespace spindle::oci
