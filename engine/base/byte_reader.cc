#include "engine/base/byte_reader.h"

namespace spindle {

bool ByteReader::FailAt(uint64_t offset, std::string_view message) {
  if (!failed_) {
    failed_ = true;
    error_ = MakeError(Phase::kDecode, std::string(message),
                       static_cast<int64_t>(offset));
  }
  pos_ = end_;
  return false;
}

uint64_t ByteReader::ReadUnsignedSlow(int bits) {
  const uint64_t start = Offset();
  const int max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pos_ >= end_) {
      Fail(length_error_);
      return 0;
    }
    const uint8_t byte = *pos_++;
    const int shift = 7 * i;
    if (i == max_bytes - 1) {
      // The last byte may only carry the bits that still fit.
      const int used = bits - shift;
      if (byte & 0x80) {
        FailAt(start, "integer representation too long");
        return 0;
      }
      if (used < 7 && (byte >> used) != 0) {
        FailAt(start, "integer too large");
        return 0;
      }
    }
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return result;
  }
  return result;
}

int64_t ByteReader::ReadSignedSlow(int bits) {
  const uint64_t start = Offset();
  const int max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pos_ >= end_) {
      Fail(length_error_);
      return 0;
    }
    const uint8_t byte = *pos_++;
    const int shift = 7 * i;
    if (i == max_bytes - 1) {
      if (byte & 0x80) {
        FailAt(start, "integer representation too long");
        return 0;
      }
      // The unused high bits must all equal the sign bit of the value.
      const int used = bits - shift;  // 1..7 meaningful bits in this byte
      if (used < 7) {
        // Bits [used-1, 6] must be all zero or all one.
        const uint8_t mask = static_cast<uint8_t>(0x7f << (used - 1)) & 0x7f;
        const uint8_t high = byte & mask;
        if (high != 0 && high != mask) {
          FailAt(start, "integer too large");
          return 0;
        }
      }
    }
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      const int total = shift + 7;
      if (total < 64 && (byte & 0x40)) result |= ~uint64_t{0} << total;
      return static_cast<int64_t>(result);
    }
  }
  return static_cast<int64_t>(result);
}

std::string_view ByteReader::ReadName() {
  const uint32_t length = ReadU32();
  if (!ok()) return {};
  if (Remaining() < length) {
    Fail("length out of bounds");
    return {};
  }
  const uint64_t start = Offset();
  const char* chars = reinterpret_cast<const char*>(pos_);
  pos_ += length;
  std::string_view name(chars, length);
  if (!IsValidUtf8(name)) {
    FailAt(start, "malformed UTF-8 encoding");
    return {};
  }
  return name;
}

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto* end = s + text.size();
  while (s < end) {
    const uint8_t c = *s;
    if (c < 0x80) {
      ++s;
      continue;
    }
    int length;
    uint32_t code;
    if ((c & 0xe0) == 0xc0) {
      length = 2;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (end - s < length) return false;
    for (int i = 1; i < length; ++i) {
      if ((s[i] & 0xc0) != 0x80) return false;
      code = (code << 6) | (s[i] & 0x3f);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    if ((length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
        (length == 4 && code < 0x10000) || code > 0x10ffff ||
        (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    s += length;
  }
  return true;
}

}  // namespace spindle
