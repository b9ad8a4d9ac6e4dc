#include "engine/base/byte_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spindle {

ByteSource::~ByteSource() {
  if (mapped_ && size_ > 0) munmap(const_cast<uint8_t*>(data_), size_);
}

Result<std::shared_ptr<const ByteSource>> ByteSource::MapFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(Phase::kIo, path + ": " + std::strerror(errno));
  }
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    const int saved = errno;
    close(fd);
    return MakeError(Phase::kIo, path + ": " +
                                     (saved ? std::strerror(saved) : "not a regular file"));
  }
  std::shared_ptr<ByteSource> source(new ByteSource());
  source->path_ = path;
  source->size_ = static_cast<size_t>(info.st_size);
  if (source->size_ > 0) {
    void* address = mmap(nullptr, source->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED) {
      const int saved = errno;
      close(fd);
      return MakeError(Phase::kIo, path + ": mmap: " + std::strerror(saved));
    }
    source->data_ = static_cast<const uint8_t*>(address);
    source->mapped_ = true;
  }
  close(fd);
  return std::shared_ptr<const ByteSource>(std::move(source));
}

std::shared_ptr<const ByteSource> ByteSource::Copy(std::span<const uint8_t> bytes) {
  return Adopt(std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

std::shared_ptr<const ByteSource> ByteSource::Adopt(std::vector<uint8_t> bytes) {
  std::shared_ptr<ByteSource> source(new ByteSource());
  source->owned_ = std::move(bytes);
  source->data_ = source->owned_.data();
  source->size_ = source->owned_.size();
  return source;
}

}  // namespace spindle
