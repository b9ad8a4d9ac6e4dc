// Where pulled apps live: $XDG_CACHE_HOME/spindle (else ~/.cache/spindle)
//   registry/blobs/sha256/<hex>                       every blob, by digest
//   registry/manifests/<registry>/<repo>/<tag>/        per reference:
//       manifest.json  config.json  spin.json (the locked app)  digest
//       (`spindle up -f .../spin.json` runs it with content from blobs/)
// Every file is written atomically (atomic_file.h), so concurrent pulls
// and crashes never leave a partial entry; blobs are re-hashed on use.
#pragma once

#include <filesystem>

#include "oci/reference.h"

namespace spindle::oci {

std::filesystem::path DefaultCacheRoot();
std::filesystem::path BlobsDir(const std::filesystem::path& cache_root);
std::filesystem::path BlobPath(const std::filesystem::path& cache_root, const std::string& digest);
// Tags name a directory as they are; a digest reference uses "sha256_<hex>".
std::filesystem::path ManifestDir(const std::filesystem::path& cache_root, const Reference& reference);

}  // namespace spindle::oci
