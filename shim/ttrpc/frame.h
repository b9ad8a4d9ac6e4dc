// ttrpc framing over a stream socket: a 10-byte header (data length u32 BE,
// stream id u32 BE, type u8, flags u8) followed by the data, a serialized
// ttrpc.Request or ttrpc.Response for unary calls.
#pragma once

#include <cstdint>
#include <string>

namespace spindle::ttrpc {

enum FrameType : uint8_t {
  kRequestFrame = 1,
  kResponseFrame = 2,
  kDataFrame = 3,
};

constexpr size_t kFrameHeaderBytes = 10;
// Larger messages are refused (code ResourceExhausted), as Go's ttrpc does.
constexpr uint32_t kMaxMessageBytes = 4u << 20;

struct Frame {
  uint32_t stream_id = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
  std::string data;
  bool oversized = false;  // data longer than kMaxMessageBytes was skipped
};

enum class ReadStatus { kFrame, kClosed, kError };

// Blocks until one whole frame arrived. kClosed: the peer closed between
// frames; kError: a read failed or the stream ended inside a frame.
ReadStatus ReadFrame(int fd, Frame& frame);

// Writes the whole frame; false if the connection failed. Callers sharing
// a connection serialize their writes.
bool WriteFrame(int fd, uint32_t stream_id, uint8_t type, uint8_t flags, const std::string& data);

}  // namespace spindle::ttrpc
