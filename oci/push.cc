#include "oci/push.h"

#include "oci/media_types.h"
#include "oci/progress.h"
#include "oci/spin_artifact.h"

namespace spindle::oci {

Result<PushResult> PushApp(const app::App& app, const Reference& reference, RegistryOptions options) {
  SPINDLE_ASSIGN_OR_RETURN(SpinArtifact artifact, BuildSpinArtifact(app));
  RegistryClient client(reference, std::move(options));
  Progress progress("Pushing", artifact.TotalBytes());
  auto report = [&](uint64_t done) { progress.Update(done); };
  for (const ArtifactLayer& layer : artifact.layers) {
    if (layer.file.empty()) {
      SPINDLE_TRY(client.PushBlob(layer.digest, layer.bytes, report));
    } else {
      SPINDLE_TRY(client.PushBlobFile(layer.digest, layer.file, report));
    }
    progress.FinishBlob(layer.size);
  }
  SPINDLE_TRY(client.PushBlob(artifact.config_digest, artifact.config, report));
  progress.FinishBlob(artifact.config.size());
  SPINDLE_ASSIGN_OR_RETURN(std::string digest, client.PushManifest(artifact.manifest, kOciManifest));
  progress.FinishBlob(artifact.manifest.size());
  progress.Done();
  return PushResult{digest, artifact.layers.size(), artifact.TotalBytes()};
}

}  // namespace spindle::oci
