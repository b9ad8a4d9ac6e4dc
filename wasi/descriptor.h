// The guest's descriptor table: what each WASI file descriptor stands for
// on the host, with the rights and flags WASI tracks for it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasi/errno.h"
#include "wasi/memory_stream.h"

namespace spindle::wasi {

enum class DescriptorKind : uint8_t {
  kFile,        // a regular file (or a device) opened by path
  kDirectory,   // a directory: a pre-open or one opened by path
  kStream,      // a standard stream bound to a host descriptor
  kMemory,      // a standard stream bound to a MemoryStream
  kSocket,      // a connected stream socket
  kListener,    // a pre-opened listening socket
  kClosed,      // a standard stream bound to nothing
};

struct Descriptor {
  DescriptorKind kind = DescriptorKind::kClosed;
  int host_fd = -1;
  bool owns_host_fd = false;
  uint8_t filetype = 0;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  uint16_t fdflags = 0;
  bool readonly = false;            // beneath a read-only mount
  std::string preopen_name;         // the guest path of a pre-opened directory
  bool is_preopen = false;
  std::shared_ptr<MemoryStream> memory;

  Descriptor() = default;
  Descriptor(Descriptor&& other) noexcept;
  Descriptor& operator=(Descriptor&& other) noexcept;
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor();

  bool Has(uint64_t rights) const { return (rights_base & rights) == rights; }
};

class FdTable {
 public:
  // Places `descriptor` at the lowest free number.
  uint32_t Insert(Descriptor descriptor);
  // REQUIRES: nothing at `fd`. Used for the standard streams and pre-opens.
  void InsertAt(uint32_t fd, Descriptor descriptor);

  // Null when `fd` is not open.
  Descriptor* Get(uint32_t fd);

  Errno Close(uint32_t fd);
  // Moves `from` onto `to` (closing what `to` held).
  Errno Renumber(uint32_t from, uint32_t to);

  size_t open_count() const;

 private:
  std::vector<std::optional<Descriptor>> slots_;
};

// The number of descriptors one guest may hold open.
constexpr size_t kMaxOpenDescriptors = 1024;

}  // namespace spindle::wasi
