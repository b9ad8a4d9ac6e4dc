#include "oci/image_builder.h"

#include <nlohmann/json.hpp>

#include "app/locked_app.h"
#include "oci/app_files.h"
#include "oci/atomic_file.h"
#include "oci/digest.h"
#include "oci/media_types.h"
#include "oci/reference.h"
#include "oci/spin_artifact.h"
#include "oci/tar_layer.h"

namespace spindle::oci {
namespace {

using nlohmann::json;

Result<Reference> ImageName(const app::App& app, const ImageOptions& options) {
  if (!options.name.empty()) return ParseReference(options.name);
  Reference reference;
  reference.registry = "docker.io";
  reference.repository = "library/" + SanitizeRepositoryName(app.name);
  reference.tag = app.version.empty() ? "latest" : SanitizeTag(app.version);
  return reference;
}

json Descriptor(const char* media_type, const std::string& digest, size_t size) {
  return json{{"mediaType", media_type}, {"digest", digest}, {"size", size}};
}

// index.json: the one manifest, its platform, and the names containerd and
// OCI tools import it under.
std::string IndexJson(const BuiltImage& image, const Reference& reference, size_t manifest_size) {
  json entry = Descriptor(kOciManifest, image.manifest_digest, manifest_size);
  entry["platform"] = {{"architecture", kWasmArchitecture}, {"os", kWasmOs}};
  entry["annotations"] = {{kContainerdImageName, image.name}, {kRefName, reference.TagOrDigest()}};
  const json index = {
      {"schemaVersion", 2},
      {"mediaType", kOciIndex},
      {"manifests", json::array({entry})},
  };
  return index.dump();
}

// The locked app as /spin.json and every piece of content, inline files
// included, as /sha256/<hex>: the shim loads it without writing anything.
Result<std::vector<LayerFile>> CollectLockedAppFiles(const app::App& app) {
  auto digester = [](const std::filesystem::path& path) -> Result<app::ContentInfo> {
    SPINDLE_ASSIGN_OR_RETURN(FileDigest digest, DigestOfFile(path));
    return app::ContentInfo{digest.digest, digest.size};
  };
  SPINDLE_ASSIGN_OR_RETURN(app::LockedApp locked, app::LockApp(app, digester));
  std::vector<LayerFile> files = {{"spin.json", {}, locked.json}};
  for (const auto* list : {&locked.wasm, &locked.data, &locked.inline_content}) {
    for (const app::LockedContent& content : *list) {
      files.push_back({"sha256/" + std::string(DigestHex(content.digest)), content.path, std::nullopt});
    }
  }
  return files;
}

// One gzip tar layer holding `files`, with its config and manifest.
Result<BuiltImage> BuildScratchImage(const app::App& app, const ImageOptions& options) {
  SPINDLE_ASSIGN_OR_RETURN(Reference reference, ImageName(app, options));
  std::vector<LayerFile> files;
  if (options.format == ImageFormat::kLockedApp) {
    SPINDLE_ASSIGN_OR_RETURN(files, CollectLockedAppFiles(app));
  } else {
    SPINDLE_ASSIGN_OR_RETURN(files, CollectAppFiles(app));
  }
  BuiltImage image;
  image.name = reference.ToString();
  image.file_count = files.size();
  SPINDLE_ASSIGN_OR_RETURN(TarLayer layer, BuildTarLayer(std::move(files)));
  image.layer_digest = layer.digest;
  image.diff_id = layer.diff_id;

  const json config = {
      {"architecture", kWasmArchitecture},
      {"os", kWasmOs},
      {"config", json::object()},
      {"rootfs", {{"type", "layers"}, {"diff_ids", json::array({layer.diff_id})}}},
  };
  const std::string config_bytes = config.dump();
  image.config_digest = DigestOf(config_bytes);

  json annotations = {{kTitle, app.name}};
  if (!app.version.empty()) annotations[kVersion] = app.version;
  if (!app.description.empty()) annotations[kDescription] = app.description;
  const json manifest = {
      {"schemaVersion", 2},
      {"mediaType", kOciManifest},
      {"config", Descriptor(kOciConfig, image.config_digest, config_bytes.size())},
      {"layers", json::array({Descriptor(kOciLayerTarGzip, layer.digest, layer.gzip.size())})},
      {"annotations", annotations},
  };
  const std::string manifest_bytes = manifest.dump();
  image.manifest_digest = DigestOf(manifest_bytes);

  image.index_json = IndexJson(image, reference, manifest_bytes.size());
  image.blobs.push_back({image.config_digest, config_bytes});
  image.blobs.push_back({layer.digest, std::move(layer.gzip)});
  image.blobs.push_back({image.manifest_digest, manifest_bytes});
  return image;
}

// Spin's registry artifact laid out as an image (for containerd >= 1.6.25 /
// 1.7.7, which can unpack non-tar layers).
Result<BuiltImage> BuildArtifactImage(const app::App& app, const ImageOptions& options) {
  SPINDLE_ASSIGN_OR_RETURN(Reference reference, ImageName(app, options));
  // A fixed creation time keeps the archive reproducible.
  SPINDLE_ASSIGN_OR_RETURN(SpinArtifact artifact, BuildSpinArtifact(app, "1970-01-01T00:00:00Z"));
  BuiltImage image;
  image.name = reference.ToString();
  image.config_digest = artifact.config_digest;
  image.manifest_digest = artifact.manifest_digest;
  for (ArtifactLayer& layer : artifact.layers) {
    std::string bytes = std::move(layer.bytes);
    if (!layer.file.empty()) {
      SPINDLE_ASSIGN_OR_RETURN(bytes, ReadFileToString(layer.file));
    }
    if (DigestOf(bytes) != layer.digest) {
      return MakeError(Phase::kIo, layer.file.string() + " changed while the image was built");
    }
    image.blobs.push_back({layer.digest, std::move(bytes)});
    ++image.file_count;
  }
  image.index_json = IndexJson(image, reference, artifact.manifest.size());
  image.blobs.push_back({artifact.config_digest, artifact.config});
  image.blobs.push_back({artifact.manifest_digest, artifact.manifest});
  return image;
}

}  // namespace

Result<BuiltImage> BuildAppImage(const app::App& app, const ImageOptions& options) {
  return options.format == ImageFormat::kSpinArtifact ? BuildArtifactImage(app, options)
                                                      : BuildScratchImage(app, options);
}

Result<BuiltImage> WriteAppImage(const app::App& app, const ImageOptions& options,
                                 const std::filesystem::path& out) {
  SPINDLE_ASSIGN_OR_RETURN(BuiltImage image, BuildAppImage(app, options));
  SPINDLE_TRY(WriteImageLayoutTar(out, image.index_json, image.blobs));
  return image;
}

}  // namespace spindle::oci
