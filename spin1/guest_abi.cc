#include "spin1/guest_abi.h"

#include <cstring>

#include "engine/embed/call.h"

namespace spindle::spin1 {
namespace {

constexpr uint32_t kStringPairSize = 8;

Error OutOfBounds(const char* what) {
  return MakeError(Phase::kRuntime, std::string(what) + " is out of the guest's memory");
}

}  // namespace

GuestAbi::GuestAbi(Store& store, Instance& instance)
    : store_(store),
      memory_(instance.GetMemory("memory")),
      realloc_(instance.GetFunction(kCanonicalRealloc)),
      free_(instance.GetFunction(kCanonicalFree)) {}

Result<uint32_t> GuestAbi::Lower(std::string_view bytes, uint32_t align) {
  if (bytes.empty()) return align;
  SPINDLE_ASSIGN_OR_RETURN(uint32_t pointer, Allocate(static_cast<uint32_t>(bytes.size()), align));
  SPINDLE_TRY(Write(pointer, bytes));
  return pointer;
}

Result<uint32_t> GuestAbi::Allocate(uint32_t size, uint32_t align) {
  if (!realloc_) return MakeError(Phase::kRuntime, "the module does not export canonical_abi_realloc");
  const Value args[] = {Value::I32(0), Value::I32(0), Value::I32(static_cast<int32_t>(align)),
                        Value::I32(static_cast<int32_t>(size))};
  SPINDLE_ASSIGN_OR_RETURN(auto results, Call(store_, realloc_, args));
  const uint32_t pointer = static_cast<uint32_t>(results[0].i32());
  if (!memory().InBounds(pointer, size)) return OutOfBounds("memory from canonical_abi_realloc");
  return pointer;
}

Status GuestAbi::Write(uint32_t pointer, std::string_view bytes) {
  if (!memory().WriteBytes(pointer, bytes)) return OutOfBounds("a result");
  return Ok();
}

Status GuestAbi::Free(uint32_t pointer, uint32_t size, uint32_t align) {
  if (size == 0) return Ok();  // the guest's free is a no-op for these
  if (!free_) return MakeError(Phase::kRuntime, "the module does not export canonical_abi_free");
  const Value args[] = {Value::I32(static_cast<int32_t>(pointer)),
                        Value::I32(static_cast<int32_t>(size)),
                        Value::I32(static_cast<int32_t>(align))};
  SPINDLE_ASSIGN_OR_RETURN(auto ignored, Call(store_, free_, args));
  (void)ignored;
  return Ok();
}

Result<std::string> GuestAbi::Read(uint32_t pointer, uint32_t length) const {
  const uint8_t* bytes = memory().At(pointer, length);
  if (!bytes) return OutOfBounds("a string or list");
  return std::string(reinterpret_cast<const char*>(bytes), length);
}

Result<std::vector<std::string>> GuestAbi::ReadStringList(uint32_t pointer, uint32_t count) const {
  const uint8_t* pairs = memory().At(pointer, uint64_t{count} * kStringPairSize);
  if (!pairs) return OutOfBounds("a list of strings");
  std::vector<std::string> items;
  items.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* pair = pairs + size_t{i} * kStringPairSize;
    SPINDLE_ASSIGN_OR_RETURN(std::string item, Read(Load32(pair), Load32(pair + 4)));
    items.push_back(std::move(item));
  }
  return items;
}

Result<uint32_t> GuestAbi::LowerStringList(const std::vector<std::string>& items) {
  if (items.empty()) return 4u;
  std::string pairs(items.size() * kStringPairSize, '\0');
  for (size_t i = 0; i < items.size(); ++i) {
    SPINDLE_ASSIGN_OR_RETURN(uint32_t item, Lower(items[i]));
    Put32(pairs, i * kStringPairSize, item);
    Put32(pairs, i * kStringPairSize + 4, static_cast<uint32_t>(items[i].size()));
  }
  return Lower(pairs, 4);
}

void Put32(std::string& area, size_t offset, uint32_t value) {
  std::memcpy(area.data() + offset, &value, 4);
}

void Put64(std::string& area, size_t offset, uint64_t value) {
  std::memcpy(area.data() + offset, &value, 8);
}

uint32_t Load32(const uint8_t* bytes) {
  uint32_t value;
  std::memcpy(&value, bytes, 4);
  return value;
}

}  // namespace spindle::spin1
