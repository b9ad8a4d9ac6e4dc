// Owns the bytes of a module: a read-only mapping of a file or a heap buffer.
// Decoded modules keep spans into these bytes (zero copy), so a Module holds a
// shared_ptr to its ByteSource for as long as it lives.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/base/result.h"

namespace spindle {

class ByteSource {
 public:
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;
  ~ByteSource();

  // Maps `path` read-only. An empty file yields an empty source.
  static Result<std::shared_ptr<const ByteSource>> MapFile(const std::string& path);
  static std::shared_ptr<const ByteSource> Copy(std::span<const uint8_t> bytes);
  static std::shared_ptr<const ByteSource> Adopt(std::vector<uint8_t> bytes);

  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  ByteSource() = default;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;
  std::vector<uint8_t> owned_;
  std::string path_;
};

}  // namespace spindle
