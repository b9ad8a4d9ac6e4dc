// Writing an OCI image layout (image-spec image-layout.md) as one tar file,
// the form `ctr images import`, `skopeo ... oci-archive:` and `docker load`
// read: `oci-layout`, `index.json` and `blobs/sha256/<hex>`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/base/result.h"

namespace spindle::oci {

struct Blob {
  std::string digest;  // "sha256:<hex>" of `bytes`
  std::string bytes;
};

// Writes the archive atomically (see atomic_file.h). Blobs are stored once
// each, sorted by digest; every entry has mtime 0 and owner 0:0, so the same
// input gives the same file.
Status WriteImageLayoutTar(const std::filesystem::path& out, const std::string& index_json,
                           const std::vector<Blob>& blobs);

}  // namespace spindle::oci
