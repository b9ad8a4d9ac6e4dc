#include "engine/tier/cache_trim.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace spindle::tier {
namespace fs = std::filesystem;
namespace {

// A compile of the largest module takes minutes; a temporary file this old
// belongs to a writer that is gone.
constexpr auto kStaleTemporaryAge = std::chrono::hours(1);

struct Entry {
  fs::path path;
  uint64_t bytes = 0;
  fs::file_time_type used;
};

bool IsTemporary(const std::string& name) { return name.find(".tmp.") != std::string::npos; }

}  // namespace

Result<uint64_t> CacheMaxBytesFromEnvironment() {
  const char* text = std::getenv("SPINDLE_CACHE_MAX_MB");
  if (!text || !*text) return kDefaultCacheMaxBytes;
  char* end = nullptr;
  errno = 0;
  const unsigned long long mib = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || text[0] == '-' || mib > (UINT64_MAX >> 20)) {
    return MakeError(Phase::kUsage, std::string("SPINDLE_CACHE_MAX_MB must be a whole number of "
                                                "MiB (0 for no limit), not '") + text + "'");
  }
  return uint64_t{mib} << 20;
}

CacheTrim TrimCache(const std::string& dir, uint64_t max_bytes, const std::string& keep) {
  CacheTrim trim;
  std::vector<Entry> entries;
  std::error_code error;
  const auto now = fs::file_time_type::clock::now();
  const fs::path kept = keep.empty() ? fs::path() : fs::path(keep).lexically_normal();
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    std::error_code entry_error;
    if (!it->is_regular_file(entry_error)) continue;
    const std::string name = it->path().filename().string();
    const auto used = it->last_write_time(entry_error);
    if (entry_error) continue;
    if (IsTemporary(name)) {
      if (now - used > kStaleTemporaryAge && fs::remove(it->path(), entry_error)) {
        ++trim.removed_temporaries;
      }
      continue;
    }
    if (it->path().extension() != ".swasm") continue;
    const uint64_t bytes = it->file_size(entry_error);
    if (entry_error) continue;
    entries.push_back({it->path(), bytes, used});
    trim.remaining_bytes += bytes;
  }
  if (max_bytes == 0 || trim.remaining_bytes <= max_bytes) return trim;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const Entry& entry : entries) {
    if (trim.remaining_bytes <= max_bytes) break;
    if (!kept.empty() && entry.path.lexically_normal() == kept) continue;
    std::error_code remove_error;
    if (!fs::remove(entry.path, remove_error)) continue;  // gone already, or not ours to delete
    ++trim.removed_entries;
    trim.removed_bytes += entry.bytes;
    trim.remaining_bytes -= entry.bytes;
  }
  return trim;
}

void TouchCacheEntry(const std::string& path) {
  utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // best effort
}

}  // namespace spindle::tier
