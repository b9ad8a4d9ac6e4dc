// Spin's registry artifact for an app (containerd-and-oci.md §3), built in
// memory before any network traffic: one layer per distinct wasm source
// (…layer.v1+wasm), one per distinct file over 128 bytes (…layer.v1+data;
// smaller files are only inline in the locked app), the locked app as the
// last layer (…spin.application.v1+config), and an OCI config with
// architecture "wasm", os "wasip1" and the lockedAppDigest label.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/app.h"
#include "engine/base/result.h"

namespace spindle::oci {

struct ArtifactLayer {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
  std::filesystem::path file;  // content on disk, or
  std::string bytes;           // content in memory (when `file` is empty)
};

struct SpinArtifact {
  std::string locked_app;      // the JSON, also the last layer's bytes
  std::string config;          // the config blob
  std::string config_digest;
  std::vector<ArtifactLayer> layers;
  std::string manifest;        // application/vnd.oci.image.manifest.v1+json
  std::string manifest_digest;
  uint64_t TotalBytes() const;
};

// `created` is the org.opencontainers.image.created annotation (RFC 3339);
// empty: $SOURCE_DATE_EPOCH if set, else now.
Result<SpinArtifact> BuildSpinArtifact(const app::App& app, std::string created = "");

}  // namespace spindle::oci
