// `spindle registry pull`: a Spin app from a registry into the cache
// (cache.h). The manifest is always fetched from the registry; each blob
// it names is downloaded unless the cache holds it with the right digest
// and size (a corrupt cached blob is reported and downloaded again). The
// locked app is the `…spin.application.v1+config` layer, or for artifacts
// pushed by older Spin versions the manifest config itself.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "engine/base/result.h"
#include "oci/reference.h"
#include "oci/registry_client.h"

namespace spindle::oci {

struct PullOptions {
  RegistryOptions registry;
  std::filesystem::path cache_root;  // empty: DefaultCacheRoot()
  // Told about recoverable surprises ("cached blob ... was corrupt").
  std::function<void(const std::string&)> warn;
};

struct PulledApp {
  std::string manifest_digest;
  std::filesystem::path locked_app;   // the locked-app JSON (a blob)
  std::filesystem::path content_dir;  // holds sha256/<hex> for every content digest
  std::filesystem::path manifest_dir;
  size_t blobs = 0;
  uint64_t bytes_downloaded = 0;
};

Result<PulledApp> PullApp(const Reference& reference, const PullOptions& options);

}  // namespace spindle::oci
