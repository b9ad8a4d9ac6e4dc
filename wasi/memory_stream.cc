#include "wasi/memory_stream.h"

#include <algorithm>
#include <cstring>

namespace spindle::wasi {

std::shared_ptr<MemoryStream> MemoryStream::Input(std::string data) {
  std::shared_ptr<MemoryStream> stream(new MemoryStream());
  stream->data_ = std::move(data);
  stream->readable_ = true;
  return stream;
}

std::shared_ptr<MemoryStream> MemoryStream::Output(size_t capacity) {
  std::shared_ptr<MemoryStream> stream(new MemoryStream());
  stream->capacity_ = capacity;
  return stream;
}

size_t MemoryStream::Read(std::span<uint8_t> out) {
  const size_t count = std::min(out.size(), Available());
  if (count > 0) std::memcpy(out.data(), data_.data() + position_, count);
  position_ += count;
  return count;
}

bool MemoryStream::Write(std::span<const uint8_t> bytes) {
  if (bytes.size() > capacity_ - data_.size()) {
    overflowed_ = true;
    return false;
  }
  data_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return true;
}

}  // namespace spindle::wasi
