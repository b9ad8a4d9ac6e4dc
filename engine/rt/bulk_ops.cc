#include "engine/rt/bulk_ops.h"

#include <algorithm>
#include <cstring>

#include "engine/rt/const_eval.h"
#include "engine/rt/instance.h"
#include "engine/rt/memory.h"

namespace spindle {

TrapKind MemoryCopy(Memory* memory, uint32_t dst, uint32_t src, uint32_t length) {
  if (!memory->InBounds(dst, length) || !memory->InBounds(src, length)) {
    return TrapKind::kMemoryOutOfBounds;
  }
  std::memmove(memory->base() + dst, memory->base() + src, length);
  return TrapKind::kNone;
}

TrapKind MemoryFill(Memory* memory, uint32_t dst, uint32_t value, uint32_t length) {
  if (!memory->InBounds(dst, length)) return TrapKind::kMemoryOutOfBounds;
  std::memset(memory->base() + dst, static_cast<int>(value & 0xff), length);
  return TrapKind::kNone;
}

TrapKind MemoryInitSegment(Instance* instance, uint32_t segment, uint32_t dst, uint32_t src,
                    uint32_t length) {
  const auto& bytes = instance->module().module().datas[segment].bytes;
  const uint64_t available = instance->dropped_datas[segment] ? 0 : bytes.size();
  Memory* memory = instance->memory(0);
  if (uint64_t{src} + length > available || !memory->InBounds(dst, length)) {
    return TrapKind::kMemoryOutOfBounds;
  }
  if (length > 0) std::memcpy(memory->base() + dst, bytes.data() + src, length);
  return TrapKind::kNone;
}

TrapKind TableFill(Table* table, uint32_t dst, uint64_t value, uint32_t length) {
  if (uint64_t{dst} + length > table->size()) return TrapKind::kTableOutOfBounds;
  std::fill_n(table->MutableRange(dst, length), length, value);
  return TrapKind::kNone;
}

TrapKind TableCopy(Table* dst_table, Table* src_table, uint32_t dst, uint32_t src,
                   uint32_t length) {
  if (uint64_t{dst} + length > dst_table->size() || uint64_t{src} + length > src_table->size()) {
    return TrapKind::kTableOutOfBounds;
  }
  if (length == 0) return TrapKind::kNone;
  // Resolving the source range first keeps a lazily filled table's 0s
  // from being copied as nulls.
  if (src < src_table->lazy_length()) {
    for (uint32_t i = 0; i < length; ++i) src_table->Get(src + i);
  }
  std::memmove(dst_table->MutableRange(dst, length), src_table->raw_elements() + src,
               size_t{length} * sizeof(uint64_t));
  return TrapKind::kNone;
}

TrapKind TableInit(Instance* instance, uint32_t segment, Table* table, uint32_t dst,
                   uint32_t src, uint32_t length) {
  const ElemSegment& elem = instance->module().module().elems[segment];
  const uint64_t available = instance->dropped_elems[segment] ? 0 : elem.items.size();
  if (uint64_t{src} + length > available || uint64_t{dst} + length > table->size()) {
    return TrapKind::kTableOutOfBounds;
  }
  uint64_t* slots = table->MutableRange(dst, length);
  for (uint32_t i = 0; i < length; ++i) {
    slots[i] = EvaluateConstInstr(elem.items[src + i], *instance);
  }
  return TrapKind::kNone;
}

}  // namespace spindle
