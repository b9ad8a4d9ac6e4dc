#include "shim/ttrpc/frame.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace spindle::ttrpc {
namespace {

// Reads exactly `size` bytes; returns how many arrived before EOF or error.
size_t ReadFully(int fd, char* out, size_t size, bool& failed) {
  size_t done = 0;
  failed = false;
  while (done < size) {
    const ssize_t got = read(fd, out + done, size - done);
    if (got > 0) {
      done += static_cast<size_t>(got);
    } else if (got == 0) {
      break;
    } else if (errno != EINTR) {
      failed = true;
      break;
    }
  }
  return done;
}

uint32_t LoadBigEndian32(const unsigned char* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

void StoreBigEndian32(uint32_t value, char* out) {
  out[0] = static_cast<char>(value >> 24);
  out[1] = static_cast<char>(value >> 16);
  out[2] = static_cast<char>(value >> 8);
  out[3] = static_cast<char>(value);
}

}  // namespace

ReadStatus ReadFrame(int fd, Frame& frame) {
  unsigned char header[kFrameHeaderBytes];
  bool failed = false;
  const size_t got = ReadFully(fd, reinterpret_cast<char*>(header), sizeof header, failed);
  if (got == 0 && !failed) return ReadStatus::kClosed;
  if (got != sizeof header) return ReadStatus::kError;
  const uint32_t length = LoadBigEndian32(header);
  frame.stream_id = LoadBigEndian32(header + 4);
  frame.type = header[8];
  frame.flags = header[9];
  frame.oversized = length > kMaxMessageBytes;
  frame.data.clear();
  if (!frame.oversized) {
    frame.data.resize(length);
    if (ReadFully(fd, frame.data.data(), length, failed) != length) return ReadStatus::kError;
    return ReadStatus::kFrame;
  }
  // Skip the body so the stream stays in sync; the caller answers with an error.
  char sink[16384];
  for (uint32_t left = length; left > 0;) {
    const size_t chunk = left < sizeof sink ? left : sizeof sink;
    if (ReadFully(fd, sink, chunk, failed) != chunk) return ReadStatus::kError;
    left -= static_cast<uint32_t>(chunk);
  }
  return ReadStatus::kFrame;
}

bool WriteFrame(int fd, uint32_t stream_id, uint8_t type, uint8_t flags, const std::string& data) {
  std::string bytes(kFrameHeaderBytes, '\0');
  StoreBigEndian32(static_cast<uint32_t>(data.size()), bytes.data());
  StoreBigEndian32(stream_id, bytes.data() + 4);
  bytes[8] = static_cast<char>(type);
  bytes[9] = static_cast<char>(flags);
  bytes += data;
  size_t done = 0;
  while (done < bytes.size()) {
    // MSG_NOSIGNAL: a vanished peer is an error here, not a SIGPIPE.
    const ssize_t sent = send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (sent > 0) {
      done += static_cast<size_t>(sent);
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace spindle::ttrpc
