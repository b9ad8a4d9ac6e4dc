// A deterministic gzip-compressed tar layer, as `FROM scratch` + `COPY`
// would produce it: regular files and their parent directories, sorted by
// path, owned by 0:0, mode 0644 (0755 for directories), mtime 0, and a gzip
// header without a timestamp or file name. The same inputs always give the
// same bytes, so the same digests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/result.h"

namespace spindle::oci {

struct LayerFile {
  std::string path;                 // relative, '/'-separated: "static/a.txt"
  std::filesystem::path source;     // host file to copy, unless `content` is set
  std::optional<std::string> content;
};

struct TarLayer {
  std::string gzip;        // the blob
  std::string digest;      // sha256 of `gzip`
  std::string diff_id;     // sha256 of the uncompressed tar (config rootfs.diff_ids)
  uint64_t uncompressed_size = 0;
};

// Builds the layer in memory. Two entries with the same path are one entry
// (the first wins). Errors name the host file that could not be read.
Result<TarLayer> BuildTarLayer(std::vector<LayerFile> files);

// gzip of `bytes` with a zeroed header timestamp (RFC 1952 MTIME = 0).
Result<std::string> GzipDeterministic(std::string_view bytes);

}  // namespace spindle::oci
