#include "engine/rt/memory_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace spindle {
namespace {

Error ImageError(const char* what) {
  return MakeError(Phase::kRuntime, std::string("memory image: ") + what + ": " + strerror(errno));
}

// Writes all of `bytes` at `position`, retrying short writes.
bool WriteAt(int fd, std::span<const uint8_t> bytes, uint64_t position) {
  while (!bytes.empty()) {
    const ssize_t written = pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(position));
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes = bytes.subspan(static_cast<size_t>(written));
    position += static_cast<uint64_t>(written);
  }
  return true;
}

}  // namespace

std::optional<std::vector<ImageSegment>> ImageSegmentsOf(const Module& module) {
  if (module.num_imported_memories != 0 || module.memories.empty()) return std::nullopt;
  const uint64_t initial_bytes = module.memories[0].limits.min * kWasmPageSize;
  std::vector<ImageSegment> segments;
  for (const DataSegment& segment : module.datas) {
    if (segment.mode != SegmentMode::kActive) continue;
    if (segment.memory_index != 0) return std::nullopt;
    // Anything but a lone i32.const (a global.get, extended constant
    // arithmetic) is only known per instance.
    if (segment.offset.instrs.size() != 1 || segment.offset.instrs[0].op != Opcode::kI32Const) {
      return std::nullopt;
    }
    const uint64_t address = static_cast<uint32_t>(segment.offset.instrs[0].operand);
    // Out of range: instantiation must trap, after the segments before it
    // were written; the copying path has exactly those semantics.
    if (address > initial_bytes || segment.bytes.size() > initial_bytes - address) {
      return std::nullopt;
    }
    segments.push_back({address, segment.bytes});
  }
  return segments;
}

Result<std::shared_ptr<const MemoryImage>> MemoryImage::Create(
    std::span<const ImageSegment> segments) {
  uint64_t first = UINT64_MAX;
  uint64_t last = 0;
  for (const ImageSegment& segment : segments) {
    if (segment.bytes.empty()) continue;
    first = std::min(first, segment.address);
    last = std::max(last, segment.address + segment.bytes.size());
  }
  if (first == UINT64_MAX) return std::shared_ptr<const MemoryImage>();

  std::shared_ptr<MemoryImage> image(new MemoryImage());
  image->offset_ = RoundDownToHostPage(first);
  image->length_ = RoundUpToHostPage(last) - image->offset_;
  image->fd_ = memfd_create("spindle-memory-image", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  if (image->fd_ < 0) return ImageError("memfd_create");
  if (ftruncate(image->fd_, static_cast<off_t>(image->length_)) != 0) {
    return ImageError("ftruncate");
  }
  for (const ImageSegment& segment : segments) {
    if (segment.bytes.empty()) continue;
    if (!WriteAt(image->fd_, segment.bytes, segment.address - image->offset_)) {
      return ImageError("write");
    }
  }
  // Sealed, the contents can never change under the mappings of running
  // instances, whoever else gets hold of the descriptor.
  if (fcntl(image->fd_, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    return ImageError("seal");
  }
  void* view = mmap(nullptr, image->length_, PROT_READ, MAP_SHARED, image->fd_, 0);
  if (view == MAP_FAILED) return ImageError("map");
  image->view_ = static_cast<const uint8_t*>(view);
  return std::shared_ptr<const MemoryImage>(std::move(image));
}

MemoryImage::~MemoryImage() {
  if (view_) munmap(const_cast<uint8_t*>(view_), length_);
  if (fd_ >= 0) close(fd_);
}

Status MemoryImage::MapCopyOnWrite(uint8_t* memory_base) const {
  void* mapped = mmap(memory_base + offset_, length_, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_FIXED, fd_, 0);
  if (mapped == MAP_FAILED) return ImageError("map copy-on-write");
  return Ok();
}

}  // namespace spindle
