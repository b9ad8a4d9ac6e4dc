#include "oci/spin_artifact.h"

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "app/locked_app.h"
#include "oci/digest.h"
#include "oci/media_types.h"

namespace spindle::oci {
namespace {

using nlohmann::json;

std::string Rfc3339(std::time_t seconds) {
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string DefaultCreated() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    return Rfc3339(static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10)));
  }
  return Rfc3339(std::time(nullptr));
}

json Descriptor(const std::string& media_type, const std::string& digest, uint64_t size) {
  return json{{"mediaType", media_type}, {"digest", digest}, {"size", size}};
}

}  // namespace

uint64_t SpinArtifact::TotalBytes() const {
  uint64_t total = config.size() + manifest.size();
  for (const ArtifactLayer& layer : layers) total += layer.size;
  return total;
}

Result<SpinArtifact> BuildSpinArtifact(const app::App& app, std::string created) {
  auto digester = [](const std::filesystem::path& path) -> Result<app::ContentInfo> {
    SPINDLE_ASSIGN_OR_RETURN(FileDigest digest, DigestOfFile(path));
    return app::ContentInfo{digest.digest, digest.size};
  };
  SPINDLE_ASSIGN_OR_RETURN(app::LockedApp locked, app::LockApp(app, digester));
  SpinArtifact artifact;
  std::set<std::string> seen;
  for (const app::LockedContent& wasm : locked.wasm) {
    if (!seen.insert(wasm.digest).second) continue;
    artifact.layers.push_back({kWasmLayer, wasm.digest, wasm.size, wasm.path, ""});
  }
  for (const app::LockedContent& data : locked.data) {
    if (!seen.insert(data.digest).second) continue;
    artifact.layers.push_back({kDataLayer, data.digest, data.size, data.path, ""});
  }
  artifact.locked_app = std::move(locked.json);
  const std::string locked_digest = DigestOf(artifact.locked_app);
  artifact.layers.push_back(
      {kSpinLockedApp, locked_digest, artifact.locked_app.size(), {}, artifact.locked_app});

  const json config = {
      {"architecture", kWasmArchitecture},
      {"os", kWasmOs},
      {"config", {{"Labels", {{kLockedAppDigestLabel, locked_digest}}}}},
  };
  artifact.config = config.dump();
  artifact.config_digest = DigestOf(artifact.config);

  json annotations = {{kTitle, app.name}, {kCreated, created.empty() ? DefaultCreated() : created}};
  if (!app.version.empty()) annotations[kVersion] = app.version;
  if (!app.description.empty()) annotations[kDescription] = app.description;
  if (!app.authors.empty()) {
    std::string authors;
    for (const std::string& author : app.authors) authors += (authors.empty() ? "" : ", ") + author;
    annotations[kAuthors] = authors;
  }
  json layers = json::array();
  for (const ArtifactLayer& layer : artifact.layers) {
    layers.push_back(Descriptor(layer.media_type, layer.digest, layer.size));
  }
  const json manifest = {
      {"schemaVersion", 2},
      {"mediaType", kOciManifest},
      {"config", Descriptor(kOciConfig, artifact.config_digest, artifact.config.size())},
      {"layers", layers},
      {"annotations", annotations},
  };
  artifact.manifest = manifest.dump();
  artifact.manifest_digest = DigestOf(artifact.manifest);
  return artifact;
}

}  // namespace spindle::oci
