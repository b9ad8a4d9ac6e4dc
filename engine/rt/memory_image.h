// A module's active data segments laid out as they appear in a fresh memory
// 0, held in a sealed memfd. Instances map it copy-on-write over the start of
// their reservation instead of copying the segments, so instantiation costs
// no copy and a guest pays only for the pages it writes.
//
// Immutable and thread safe once created; shared by every instance of one
// CompiledModule and by the pooled reservations that still hold it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "engine/base/result.h"
#include "engine/binary/module.h"

namespace spindle {

inline constexpr uint64_t kHostPageBytes = 4096;

inline uint64_t RoundUpToHostPage(uint64_t bytes) {
  return (bytes + kHostPageBytes - 1) & ~(kHostPageBytes - 1);
}
inline uint64_t RoundDownToHostPage(uint64_t bytes) { return bytes & ~(kHostPageBytes - 1); }

// One segment's bytes at its (constant) address in memory 0.
struct ImageSegment {
  uint64_t address = 0;
  std::span<const uint8_t> bytes;
};

// The segments of `module` that can be baked into an image: all active data
// segments, provided memory 0 is defined (not imported), every active
// segment's offset is a plain i32.const and every segment lies inside the
// initial memory. Otherwise nullopt, and instantiation copies as the spec
// describes (including its traps).
std::optional<std::vector<ImageSegment>> ImageSegmentsOf(const Module& module);

class MemoryImage {
 public:
  // Lays `segments` out in order (later ones overwrite earlier ones, as
  // instantiation would). Null when they hold no bytes at all.
  static Result<std::shared_ptr<const MemoryImage>> Create(std::span<const ImageSegment> segments);
  ~MemoryImage();
  MemoryImage(const MemoryImage&) = delete;
  MemoryImage& operator=(const MemoryImage&) = delete;

  int fd() const { return fd_; }
  // The image covers [offset, end) of the memory; both are page aligned and
  // leading zero pages are left out.
  uint64_t offset() const { return offset_; }
  uint64_t length() const { return length_; }
  uint64_t end() const { return offset_ + length_; }
  // A read-only view of the memfd, the source for keep-resident resets.
  std::span<const uint8_t> contents() const { return {view_, length_}; }

  // Maps the image privately (copy-on-write) at memory_base + offset(),
  // replacing whatever was mapped there.
  Status MapCopyOnWrite(uint8_t* memory_base) const;

 private:
  MemoryImage() = default;

  int fd_ = -1;
  uint64_t offset_ = 0;
  uint64_t length_ = 0;
  const uint8_t* view_ = nullptr;
};

}  // namespace spindle
