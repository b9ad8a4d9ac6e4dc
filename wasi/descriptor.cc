#include "wasi/descriptor.h"

#include <unistd.h>

namespace spindle::wasi {

Descriptor::Descriptor(Descriptor&& other) noexcept { *this = std::move(other); }

Descriptor& Descriptor::operator=(Descriptor&& other) noexcept {
  if (this == &other) return *this;
  if (owns_host_fd && host_fd >= 0) close(host_fd);
  kind = other.kind;
  host_fd = other.host_fd;
  owns_host_fd = other.owns_host_fd;
  filetype = other.filetype;
  rights_base = other.rights_base;
  rights_inheriting = other.rights_inheriting;
  fdflags = other.fdflags;
  readonly = other.readonly;
  preopen_name = std::move(other.preopen_name);
  is_preopen = other.is_preopen;
  memory = std::move(other.memory);
  other.host_fd = -1;
  other.owns_host_fd = false;
  return *this;
}

Descriptor::~Descriptor() {
  if (owns_host_fd && host_fd >= 0) close(host_fd);
}

uint32_t FdTable::Insert(Descriptor descriptor) {
  for (uint32_t fd = 0; fd < slots_.size(); ++fd) {
    if (!slots_[fd]) {
      slots_[fd].emplace(std::move(descriptor));
      return fd;
    }
  }
  slots_.emplace_back(std::move(descriptor));
  return static_cast<uint32_t>(slots_.size() - 1);
}

void FdTable::InsertAt(uint32_t fd, Descriptor descriptor) {
  if (slots_.size() <= fd) slots_.resize(size_t{fd} + 1);
  slots_[fd].emplace(std::move(descriptor));
}

Descriptor* FdTable::Get(uint32_t fd) {
  if (fd >= slots_.size() || !slots_[fd]) return nullptr;
  return &*slots_[fd];
}

Errno FdTable::Close(uint32_t fd) {
  if (!Get(fd)) return kBadf;
  slots_[fd].reset();
  return kSuccess;
}

Errno FdTable::Renumber(uint32_t from, uint32_t to) {
  if (!Get(from) || !Get(to)) return kBadf;
  if (from == to) return kSuccess;
  slots_[to] = std::move(slots_[from]);
  slots_[from].reset();
  return kSuccess;
}

size_t FdTable::open_count() const {
  size_t count = 0;
  for (const auto& slot : slots_) count += slot.has_value();
  return count;
}

}  // namespace spindle::wasi
