// `spindle build --image`: an app as a FROM-scratch OCI image (one gzip tar
// layer, config architecture "wasm" / os "wasip1"), as a locked app in such
// a layer (--format locked), or as Spin's registry artifact (--format
// spin), written as an OCI image-layout tar that `ctr
// images import --all-platforms` and skopeo read. Both are reproducible.
// Format details: docs/oci.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"
#include "oci/image_layout.h"

namespace spindle::oci {

enum class ImageFormat {
  kScratch,       // one gzip tar layer: spin.toml + wasm + files (any containerd)
  kSpinArtifact,  // Spin's registry artifact layers (containerd >= 1.6.25 / 1.7.7)
  kLockedApp,     // one gzip tar layer: /spin.json (locked app) + /sha256/<hex> content
};

struct ImageOptions {
  ImageFormat format = ImageFormat::kScratch;
  // The image name, any reference form ("app:1.0", "ghcr.io/o/app:1");
  // empty: "docker.io/library/<app name>:<version or latest>".
  std::string name;
};

struct BuiltImage {
  std::string name;             // normalized, as io.containerd.image.name
  std::string manifest_digest;
  std::string config_digest;
  std::string layer_digest;     // scratch only
  std::string diff_id;          // scratch only
  size_t file_count = 0;        // files in the layer (scratch), layers (artifact)
  std::string index_json;
  std::vector<Blob> blobs;      // layers, config, manifest
};

Result<BuiltImage> BuildAppImage(const app::App& app, const ImageOptions& options);

// BuildAppImage, then WriteImageLayoutTar to `out`.
Result<BuiltImage> WriteAppImage(const app::App& app, const ImageOptions& options,
                                 const std::filesystem::path& out);

}  // namespace spindle::oci
