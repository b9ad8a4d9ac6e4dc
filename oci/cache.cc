#include "oci/cache.h"

#include <cstdlib>

#include "oci/digest.h"

namespace spindle::oci {

namespace fs = std::filesystem;

fs::path DefaultCacheRoot() {
  const char* cache = std::getenv("XDG_CACHE_HOME");
  if (cache && *cache) return fs::path(cache) / "spindle";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".cache" / "spindle";
}

fs::path BlobsDir(const fs::path& cache_root) { return cache_root / "registry" / "blobs"; }

fs::path BlobPath(const fs::path& cache_root, const std::string& digest) {
  return BlobsDir(cache_root) / "sha256" / std::string(DigestHex(digest));
}

fs::path ManifestDir(const fs::path& cache_root, const Reference& reference) {
  std::string leaf = reference.tag;
  if (leaf.empty()) leaf = "sha256_" + std::string(DigestHex(reference.digest));
  // Registry "host:port" keeps its colon: it is a valid file name on Linux.
  return cache_root / "registry" / "manifests" / reference.registry / reference.repository / leaf;
}

}  // namespace spindle::oci
