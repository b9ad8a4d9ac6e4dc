// In-memory standard streams: a request body served as stdin, or stdout and
// stderr captured into a buffer with a size cap (the WAGI executor's needs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace spindle::wasi {

class MemoryStream {
 public:
  // Readable stream over `data`.
  static std::shared_ptr<MemoryStream> Input(std::string data);
  // Writable stream that keeps at most `capacity` bytes.
  static std::shared_ptr<MemoryStream> Output(size_t capacity);

  bool readable() const { return readable_; }

  // Copies up to `out.size()` unread bytes; 0 at the end.
  size_t Read(std::span<uint8_t> out);
  size_t Available() const { return data_.size() - position_; }

  // Appends `bytes`. Refuses the whole write (returns false and remembers
  // it) when the capacity would be exceeded, so a truncated body is never
  // mistaken for a complete one.
  bool Write(std::span<const uint8_t> bytes);

  const std::string& contents() const { return data_; }
  bool overflowed() const { return overflowed_; }
  size_t capacity() const { return capacity_; }

 private:
  MemoryStream() = default;

  std::string data_;
  size_t position_ = 0;
  size_t capacity_ = 0;
  bool readable_ = false;
  bool overflowed_ = false;
};

}  // namespace spindle::wasi
