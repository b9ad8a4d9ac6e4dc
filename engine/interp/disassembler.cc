#include "engine/interp/disassembler.h"

#include <cinttypes>
#include <cstdio>
#include <unordered_map>

#include "engine/interp/ir.h"
#include "engine/interp/translator.h"

namespace spindle::interp {
namespace {

struct OpInfo {
  const char* name;
  const char* operands;
};

constexpr OpInfo kOps[] = {
#define IR_OP(name, operands) {#name, operands},
#include "engine/interp/ir_ops.def"
#undef IR_OP
};

}  // namespace

const char* IrOpName(size_t op) { return op < std::size(kOps) ? kOps[op].name : "?"; }
const char* IrOpOperands(size_t op) { return op < std::size(kOps) ? kOps[op].operands : ""; }

std::string Disassemble(const InterpCode& code, BoundsChecks checks) {
  const void* const* handlers = HandlerTable(checks);
  std::unordered_map<const void*, size_t> ops;
  for (size_t i = 0; i < std::size(kOps); ++i) ops.emplace(handlers[i], i);

  std::string out;
  char buffer[96];
  const uint8_t* begin = code.code.data();
  const uint8_t* end = begin + code.code.size();
  const uint8_t* ip = begin;
  while (ip < end) {
    if (end - ip < 8) return {};
    auto found = ops.find(ReadAt<const void*>(ip));
    if (found == ops.end()) return {};
    const uint32_t at = static_cast<uint32_t>(ip - begin);
    std::snprintf(buffer, sizeof buffer, "%5u: %s", at, kOps[found->second].name);
    out += buffer;
    const uint8_t* p = ip + 8;
    for (const char* kind = kOps[found->second].operands; *kind; ++kind) {
      const size_t width = (*kind == 'I' || *kind == 'p') ? 8 : 4;
      if (end - p < static_cast<ptrdiff_t>(width)) return {};
      switch (*kind) {
        case 'd': std::snprintf(buffer, sizeof buffer, " d%u", ReadAt<uint32_t>(p) / 8); break;
        case 's': std::snprintf(buffer, sizeof buffer, " s%u", ReadAt<uint32_t>(p) / 8); break;
        case 'i': std::snprintf(buffer, sizeof buffer, " #%u", ReadAt<uint32_t>(p)); break;
        case 'o': std::snprintf(buffer, sizeof buffer, " +%u", ReadAt<uint32_t>(p)); break;
        case 'I':
          std::snprintf(buffer, sizeof buffer, " #%" PRIu64, ReadAt<uint64_t>(p));
          break;
        case 'p': std::snprintf(buffer, sizeof buffer, " @%p", ReadAt<void*>(p)); break;
        case 't':
          std::snprintf(buffer, sizeof buffer, " ->%d",
                        static_cast<int32_t>(at) + ReadAt<int32_t>(p));
          break;
        case 'x': {
          // slot, count, then count + 1 targets
          const uint32_t count = ReadAt<uint32_t>(p + 4);
          if (end - p < 8 + 4 * (static_cast<ptrdiff_t>(count) + 1)) return {};
          std::snprintf(buffer, sizeof buffer, " s%u [", ReadAt<uint32_t>(p) / 8);
          out += buffer;
          for (uint32_t i = 0; i <= count; ++i) {
            std::snprintf(buffer, sizeof buffer, "%s%d", i ? " " : "",
                          static_cast<int32_t>(at) + ReadAt<int32_t>(p + 8 + 4 * i));
            out += buffer;
          }
          out += "]";
          p += 8 + 4 * (size_t{count} + 1);
          continue;
        }
        default: buffer[0] = '\0';
      }
      out += buffer;
      p += width;
    }
    out += "\n";
    ip = p;
  }
  return out;
}

}  // namespace spindle::interp
