// Files that appear whole or not at all: data goes to a unique temporary
// file in the destination's directory, is flushed with fsync, and is
// renamed over the destination. A crash or a concurrent writer never leaves
// a partial file under the final name; the loser of a race simply renames
// identical content.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace spindle::oci {

// A temporary file next to `destination`, removed by the destructor unless
// Commit() renamed it into place.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path destination);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the parent directories and the temporary file (mode 0644 unless
  // `mode` says otherwise).
  Status Open(int mode = 0644);
  Status Write(std::string_view bytes);
  // fsync, close and rename. After a failure the temporary file is gone.
  Status Commit();

  const std::filesystem::path& temp_path() const { return temp_path_; }
  int fd() const { return fd_; }

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

Status WriteFileAtomically(const std::filesystem::path& destination, std::string_view bytes,
                           int mode = 0644);

Result<std::string> ReadFileToString(const std::filesystem::path& path);

}  // namespace spindle::oci
