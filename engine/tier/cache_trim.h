// Keeps the native code cache under a size limit. After a compile adds an
// entry, the least recently used entries are deleted until the cache fits;
// "used" is the file's modification time, which a cache hit refreshes
// (TouchCacheEntry). Deleting an entry that another process has mapped is
// safe: its mapping stays valid, and a later lookup compiles it again.
#pragma once

#include <cstdint>
#include <string>

#include "engine/base/result.h"

namespace spindle::tier {

inline constexpr uint64_t kDefaultCacheMaxBytes = uint64_t{1} << 30;  // 1 GiB

// $SPINDLE_CACHE_MAX_MB (MiB; 0 = no limit), else kDefaultCacheMaxBytes.
Result<uint64_t> CacheMaxBytesFromEnvironment();

struct CacheTrim {
  uint64_t removed_entries = 0;
  uint64_t removed_bytes = 0;
  uint64_t remaining_bytes = 0;  // of the entries left
  uint64_t removed_temporaries = 0;
};

// Deletes the oldest `*.swasm` entries of `dir` until they total at most
// `max_bytes` (0: no limit), never `keep` (the entry just written). Also
// deletes temporary files of writers that died (`*.tmp.*` over an hour
// old). Files it cannot stat or delete are skipped: another process may be
// trimming the same directory.
CacheTrim TrimCache(const std::string& dir, uint64_t max_bytes, const std::string& keep);

// Marks a cache entry as used now (its mtime); a read-only cache is left as
// it is.
void TouchCacheEntry(const std::string& path);

}  // namespace spindle::tier
