#include "spin1/import_call.h"

#include <cstring>

namespace spindle::spin1 {

void ResultRecord::U16(size_t offset, uint16_t value) {
  std::memcpy(bytes_.data() + offset, &value, 2);
}

ImportCall::ImportCall(Caller& caller, ContextOf context_of) : caller_(caller) {
  context_ = context_of(caller);
  if (!context_ || !caller.instance()) {
    Trap("Spin host services are not available to this instance");
    return;
  }
  abi_.emplace(caller.store(), *caller.instance());
  if (!abi_->memory().valid()) Trap("the module exports no memory");
}

void ImportCall::Trap(const std::string& message) {
  if (!ok_) return;
  ok_ = false;
  caller_.Trap(TrapKind::kHostError, message);
}

std::optional<std::string> ImportCall::String(uint32_t pointer, uint32_t length) {
  if (!ok_) return std::nullopt;
  auto text = abi_->Read(pointer, length);
  if (!text.ok()) {
    Trap(text.error().message);
    return std::nullopt;
  }
  return std::move(text).value();
}

std::optional<std::vector<uint8_t>> ImportCall::Bytes(uint32_t pointer, uint32_t length) {
  std::optional<std::string> text = String(pointer, length);
  if (!text) return std::nullopt;
  return std::vector<uint8_t>(text->begin(), text->end());
}

std::optional<std::vector<std::string>> ImportCall::StringList(uint32_t pointer, uint32_t count) {
  if (!ok_) return std::nullopt;
  auto items = abi_->ReadStringList(pointer, count);
  if (!items.ok()) {
    Trap(items.error().message);
    return std::nullopt;
  }
  return std::move(items).value();
}

std::optional<std::string> ImportCall::Records(uint32_t pointer, uint32_t count, uint32_t size) {
  if (!ok_) return std::nullopt;
  const uint64_t bytes = uint64_t{count} * size;
  if (bytes > UINT32_MAX) {
    Trap("a list argument is larger than memory");
    return std::nullopt;
  }
  return String(pointer, static_cast<uint32_t>(bytes));
}

uint32_t ImportCall::Lower(std::string_view bytes, uint32_t align) {
  if (!ok_) return 0;
  auto pointer = abi_->Lower(bytes, align);
  if (!pointer.ok()) {
    Trap(pointer.error().message);
    return 0;
  }
  return *pointer;
}

uint32_t ImportCall::LowerStringList(const std::vector<std::string>& items) {
  if (!ok_) return 0;
  auto pointer = abi_->LowerStringList(items);
  if (!pointer.ok()) {
    Trap(pointer.error().message);
    return 0;
  }
  return *pointer;
}

void ImportCall::Return(uint32_t retptr, const ResultRecord& record, size_t length) {
  if (!ok_) return;
  Status written = abi_->Write(retptr, std::string_view(record.bytes()).substr(0, length));
  if (!written.ok()) Trap(written.error().message);
}

}  // namespace spindle::spin1
