// The common part of every Spin 1 host import: find the calling instance's
// services and ABI, read the guest's arguments, lower results, and write
// the result record at the guest's `retptr`. A bad pointer or length from
// the guest traps it (as a generated binding would), never the host.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rt/function.h"
#include "services/app_services.h"
#include "spin1/guest_abi.h"
#include "spin1/instance_context.h"

namespace spindle::spin1 {

// Finds the context of the instance making the call (null: none, which
// traps the guest).
using ContextOf = InstanceContext* (*)(Caller& caller);

// A result record under construction: only the bytes of the case taken are
// written, so a record never spills past the guest's area.
class ResultRecord {
 public:
  explicit ResultRecord(size_t size) : bytes_(size, '\0') {}
  void U8(size_t offset, uint8_t value) { bytes_[offset] = static_cast<char>(value); }
  void U16(size_t offset, uint16_t value);
  void U32(size_t offset, uint32_t value) { Put32(bytes_, offset, value); }
  void U64(size_t offset, uint64_t value) { Put64(bytes_, offset, value); }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class ImportCall {
 public:
  ImportCall(Caller& caller, ContextOf context_of);

  // False when the call cannot go on; the guest has been trapped.
  bool ok() const { return ok_; }
  services::InstanceServices& services() { return context_->services; }
  InstanceContext& context() { return *context_; }
  GuestAbi& abi() { return *abi_; }
  const std::string& component() const { return context_->services.component().id; }

  // Arguments. nullopt means the guest was trapped.
  std::optional<std::string> String(uint32_t pointer, uint32_t length);
  std::optional<std::vector<uint8_t>> Bytes(uint32_t pointer, uint32_t length);
  std::optional<std::vector<std::string>> StringList(uint32_t pointer, uint32_t count);
  // `count` records of `size` bytes at `pointer`, copied out.
  std::optional<std::string> Records(uint32_t pointer, uint32_t count, uint32_t size);

  // Results: a copy in guest memory the guest owns (0 after a trap).
  uint32_t Lower(std::string_view bytes, uint32_t align = 1);
  uint32_t LowerStringList(const std::vector<std::string>& items);
  // Writes the first `length` bytes of `record` at `retptr`.
  void Return(uint32_t retptr, const ResultRecord& record, size_t length);

  void Trap(const std::string& message);

 private:
  Caller& caller_;
  InstanceContext* context_ = nullptr;
  std::optional<GuestAbi> abi_;
  bool ok_ = true;
};

inline std::string_view AsText(const std::vector<uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace spindle::spin1
