#include "oci/pull.h"

#include <nlohmann/json.hpp>

#include "oci/atomic_file.h"
#include "oci/cache.h"
#include "oci/digest.h"
#include "oci/json_fields.h"
#include "oci/locked_app_content.h"
#include "oci/media_types.h"
#include "oci/progress.h"

namespace spindle::oci {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct BlobRef {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
};

Result<BlobRef> ReadDescriptor(const json& descriptor, const Reference& reference, const std::string& where) {
  if (!descriptor.is_object()) {
    return MakeError(Phase::kIo, reference.ToString() + ": manifest " + where + " is not an object");
  }
  BlobRef blob;
  blob.media_type = StringField(descriptor, "mediaType");
  blob.digest = StringField(descriptor, "digest");
  const auto size = descriptor.find("size");
  if (!IsSha256Digest(blob.digest) || size == descriptor.end() || !size->is_number_unsigned()) {
    return MakeError(Phase::kIo, reference.ToString() + ": manifest " + where +
                                     " needs a sha256 digest and a size");
  }
  blob.size = size->get<uint64_t>();
  return blob;
}

// True when the cached copy exists and hashes right; a wrong copy is
// removed (and reported) so it is fetched again.
bool CachedBlobIsGood(const fs::path& path, const BlobRef& blob, const PullOptions& options) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return false;
  auto digest = DigestOfFile(path);
  if (digest.ok() && digest->digest == blob.digest && digest->size == blob.size) return true;
  if (options.warn) {
    options.warn("cached blob " + blob.digest + " is corrupt (its content hashes to " +
                 (digest.ok() ? digest->digest : std::string("nothing readable")) +
                 "); downloading it again");
  }
  fs::remove(path, error);
  return false;
}

}  // namespace

Result<PulledApp> PullApp(const Reference& reference, const PullOptions& options) {
  const fs::path cache_root = options.cache_root.empty() ? DefaultCacheRoot() : options.cache_root;
  RegistryClient client(reference, options.registry);
  SPINDLE_ASSIGN_OR_RETURN(FetchedManifest manifest, client.FetchManifest());
  const json document = json::parse(manifest.bytes, nullptr, false);
  if (!document.is_object() || !document.contains("config") || !document.contains("layers") ||
      !document["layers"].is_array()) {
    return MakeError(Phase::kIo, reference.ToString() + ": not an image manifest (media type '" +
                                     manifest.media_type + "')");
  }
  SPINDLE_ASSIGN_OR_RETURN(BlobRef config, ReadDescriptor(document["config"], reference, "config"));
  std::vector<BlobRef> blobs = {config};
  const BlobRef* locked = nullptr;
  for (size_t i = 0; i < document["layers"].size(); ++i) {
    SPINDLE_ASSIGN_OR_RETURN(BlobRef layer, ReadDescriptor(document["layers"][i], reference,
                                                           "layers[" + std::to_string(i) + "]"));
    blobs.push_back(layer);
  }
  for (const BlobRef& blob : blobs) {
    if (blob.media_type == kSpinLockedApp) locked = &blob;
  }
  if (!locked && config.media_type != kOciConfig) locked = &blobs[0];  // older Spin: the config
  if (!locked) {
    return MakeError(Phase::kIo, reference.ToString() +
                                     ": not a Spin app: no application/vnd.fermyon.spin.application.v1+config "
                                     "layer (a FROM-scratch image is run by the containerd shim, not pulled)");
  }

  uint64_t total = 0;
  for (const BlobRef& blob : blobs) total += blob.size;
  Progress progress("Pulling", total);
  PulledApp pulled;
  pulled.manifest_digest = manifest.digest;
  pulled.content_dir = BlobsDir(cache_root);
  for (const BlobRef& blob : blobs) {
    const fs::path path = BlobPath(cache_root, blob.digest);
    if (!CachedBlobIsGood(path, blob, options)) {
      SPINDLE_TRY(client.FetchBlob(blob.digest, blob.size, path,
                                   [&](uint64_t done) { progress.Update(done); }));
      pulled.bytes_downloaded += blob.size;
    }
    progress.FinishBlob(blob.size);
    ++pulled.blobs;
  }
  progress.Done();
  pulled.locked_app = BlobPath(cache_root, locked->digest);
  SPINDLE_ASSIGN_OR_RETURN(std::string locked_blob, ReadFileToString(pulled.locked_app));
  SPINDLE_ASSIGN_OR_RETURN(std::string locked_json,
                           MaterializeInlineContent(locked_blob, pulled.locked_app, pulled.content_dir));

  pulled.manifest_dir = ManifestDir(cache_root, reference);
  SPINDLE_ASSIGN_OR_RETURN(std::string config_bytes, ReadFileToString(BlobPath(cache_root, config.digest)));
  SPINDLE_TRY(WriteFileAtomically(pulled.manifest_dir / "manifest.json", manifest.bytes));
  SPINDLE_TRY(WriteFileAtomically(pulled.manifest_dir / "config.json", config_bytes));
  SPINDLE_TRY(WriteFileAtomically(pulled.manifest_dir / "spin.json", locked_json));
  SPINDLE_TRY(WriteFileAtomically(pulled.manifest_dir / "digest", manifest.digest + "\n"));
  return pulled;
}

}  // namespace spindle::oci
