// A bounds-checked cursor over module bytes with LEB128 decoding.
//
// Errors are sticky instead of returned per read: the first failure records a
// message and offset, moves the cursor to the end, and every later read yields
// zero. Callers check ok() at the points where acting on a zero would matter.
// This keeps the hot decode loops free of per-byte Result plumbing.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace spindle {

class ByteReader {
 public:
  // `base_offset` is the module offset of `begin`, so errors name absolute
  // offsets even when reading a sub-range such as one function body.
  ByteReader(const uint8_t* begin, const uint8_t* end, uint64_t base_offset)
      : begin_(begin), pos_(begin), end_(end), base_offset_(base_offset) {}

  bool ok() const { return !failed_; }
  bool AtEnd() const { return pos_ >= end_; }
  size_t Remaining() const { return static_cast<size_t>(end_ - pos_); }
  uint64_t Offset() const { return base_offset_ + (pos_ - begin_); }
  const uint8_t* Position() const { return pos_; }
  const uint8_t* End() const { return end_; }
  const Error& error() const { return error_; }

  // Records the first failure; later ones are ignored so the message names
  // the root cause. Always returns false for use in `return Fail(...)`.
  bool Fail(std::string_view message) { return FailAt(Offset(), message); }
  bool FailAt(uint64_t offset, std::string_view message);

  uint8_t ReadByte() {
    if (pos_ >= end_) {
      Fail(length_error_);
      return 0;
    }
    return *pos_++;
  }

  uint32_t ReadU32() {
    // Fast path: single-byte LEBs dominate real modules.
    if (pos_ < end_ && *pos_ < 0x80) return *pos_++;
    return static_cast<uint32_t>(ReadUnsignedSlow(32));
  }
  uint64_t ReadU64() { return ReadUnsignedSlow(64); }
  // An unsigned LEB128 of at most `bits` bits (e.g. the 1-bit limits flag).
  uint64_t ReadUnsignedBits(int bits) { return ReadUnsignedSlow(bits); }
  int32_t ReadS32() {
    if (pos_ < end_ && *pos_ < 0x40) return *pos_++;
    return static_cast<int32_t>(ReadSignedSlow(32));
  }
  int64_t ReadS33() { return ReadSignedSlow(33); }
  int64_t ReadS64() { return ReadSignedSlow(64); }

  uint32_t ReadFixedU32() {
    uint32_t value = 0;
    if (!Need(4)) return 0;
    std::memcpy(&value, pos_, 4);
    pos_ += 4;
    return value;
  }
  uint64_t ReadFixedU64() {
    uint64_t value = 0;
    if (!Need(8)) return 0;
    std::memcpy(&value, pos_, 8);
    pos_ += 8;
    return value;
  }

  // Returns a view of the next `length` bytes and skips them.
  const uint8_t* ReadBytes(size_t length) {
    if (!Need(length)) return nullptr;
    const uint8_t* start = pos_;
    pos_ += length;
    return start;
  }

  // A length-prefixed UTF-8 name; fails with "malformed UTF-8 encoding".
  std::string_view ReadName();

  void Skip(size_t length) { ReadBytes(length); }

  bool Need(size_t length) {
    if (Remaining() < length) {
      Fail(length_error_);
      return false;
    }
    return true;
  }

  // The message used when a read runs past the end; section readers use
  // "unexpected end of section or function" like the spec interpreter.
  void SetEndMessage(const char* message) { length_error_ = message; }

 private:
  uint64_t ReadUnsignedSlow(int bits);
  int64_t ReadSignedSlow(int bits);

  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  uint64_t base_offset_;
  bool failed_ = false;
  const char* length_error_ = "unexpected end";
  Error error_;
};

bool IsValidUtf8(std::string_view text);

}  // namespace spindle
