// `spindle registry push`: an app as Spin's registry artifact
// (spin_artifact.h), uploaded blob by blob (skipping blobs the registry
// has), then the manifest under the reference's tag.
#pragma once

#include "app/app.h"
#include "engine/base/result.h"
#include "oci/reference.h"
#include "oci/registry_client.h"

namespace spindle::oci {

struct PushResult {
  std::string manifest_digest;
  size_t layers = 0;
  uint64_t bytes = 0;
};

Result<PushResult> PushApp(const app::App& app, const Reference& reference, RegistryOptions options);

}  // namespace spindle::oci
