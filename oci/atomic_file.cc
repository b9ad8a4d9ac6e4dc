#include "oci/atomic_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace spindle::oci {
namespace {

Error IoError(const std::string& what, const std::filesystem::path& path) {
  return MakeError(Phase::kIo, what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path destination) : destination_(std::move(destination)) {}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) close(fd_);
  if (!committed_ && !temp_path_.empty()) unlink(temp_path_.c_str());
}

Status AtomicFile::Open(int mode) {
  std::error_code error;
  const std::filesystem::path parent = destination_.parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, error);
    if (error) {
      return MakeError(Phase::kIo, "cannot create directory " + parent.string() + ": " +
                                       error.message());
    }
  }
  std::string pattern = destination_.string() + ".tmp-XXXXXX";
  fd_ = mkostemp(pattern.data(), O_CLOEXEC);
  if (fd_ < 0) return IoError("cannot create a temporary file for", destination_);
  temp_path_ = pattern;
  // mkostemp makes 0600 files; apply the caller's mode (umask still applies
  // to what the caller would get from open(2), so honour it too).
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd_, static_cast<mode_t>(mode) & ~mask);
  return Ok();
}

Status AtomicFile::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t put = write(fd_, bytes.data(), bytes.size());
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return IoError("cannot write", temp_path_);
    bytes.remove_prefix(static_cast<size_t>(put));
  }
  return Ok();
}

Status AtomicFile::Commit() {
  if (fsync(fd_) != 0) return IoError("cannot flush", temp_path_);
  const int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) return IoError("cannot close", temp_path_);
  if (rename(temp_path_.c_str(), destination_.c_str()) != 0) {
    return IoError("cannot rename into place", destination_);
  }
  committed_ = true;
  return Ok();
}

Status WriteFileAtomically(const std::filesystem::path& destination, std::string_view bytes,
                           int mode) {
  AtomicFile file(destination);
  SPINDLE_TRY(file.Open(mode));
  SPINDLE_TRY(file.Write(bytes));
  return file.Commit();
}

Result<std::string> ReadFileToString(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(Phase::kIo, "cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return MakeError(Phase::kIo, "cannot read " + path.string());
  return bytes.str();
}

}  // namespace spindle::oci
