// The bulk memory and table instructions, shared by the interpreter and the
// runtime helpers of compiled code. Each checks its ranges first and returns
// the trap it raises, or kNone.
#pragma once

#include <cstdint>

#include "engine/rt/trap.h"

namespace spindle {

class Instance;
class Memory;
class Table;

TrapKind MemoryCopy(Memory* memory, uint32_t dst, uint32_t src, uint32_t length);
TrapKind MemoryFill(Memory* memory, uint32_t dst, uint32_t value, uint32_t length);
TrapKind MemoryInitSegment(Instance* instance, uint32_t segment, uint32_t dst, uint32_t src,
                    uint32_t length);
TrapKind TableFill(Table* table, uint32_t dst, uint64_t value, uint32_t length);
TrapKind TableCopy(Table* dst_table, Table* src_table, uint32_t dst, uint32_t src,
                   uint32_t length);
TrapKind TableInit(Instance* instance, uint32_t segment, Table* table, uint32_t dst,
                   uint32_t src, uint32_t length);

}  // namespace spindle
