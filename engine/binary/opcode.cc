#include "engine/binary/opcode.h"

#include <array>

namespace spindle {
namespace {

struct Tables {
  std::array<OpcodeInfo, 256> single{};
  std::array<OpcodeInfo, kPrefixFcCount> prefix_fc{};
};

constexpr OpType ___ = OpType::kNone;
constexpr OpType I32 = OpType::kI32;
constexpr OpType I64 = OpType::kI64;
constexpr OpType F32 = OpType::kF32;
constexpr OpType F64 = OpType::kF64;

constexpr Tables BuildTables() {
  Tables tables{};
  for (auto& info : tables.single) info = {"<illegal>", ImmKind::None, ___, ___, ___, false};
  for (auto& info : tables.prefix_fc) info = {"<illegal>", ImmKind::None, ___, ___, ___, false};
#define SPINDLE_OPCODE(name, code, text, imm, t1, t2, r)                        \
  if ((code) > 0xFF) {                                                         \
    tables.prefix_fc[(code) & 0xFF] = {text, ImmKind::imm, t1, t2, r, true};    \
  } else {                                                                     \
    tables.single[(code) & 0xFF] = {text, ImmKind::imm, t1, t2, r, true};       \
  }
#include "engine/binary/opcodes.def"
#undef SPINDLE_OPCODE
  return tables;
}

constexpr Tables kTables = BuildTables();

}  // namespace

const OpcodeInfo& SingleByteInfo(uint8_t code) { return kTables.single[code]; }

const OpcodeInfo& PrefixFcInfo(uint32_t sub) {
  static constexpr OpcodeInfo kIllegal = {"<illegal>", ImmKind::None, ___, ___, ___, false};
  return sub < kPrefixFcCount ? kTables.prefix_fc[sub] : kIllegal;
}

const OpcodeInfo& InfoOf(Opcode op) {
  const auto code = static_cast<uint16_t>(op);
  return code > 0xFF ? PrefixFcInfo(code & 0xFF) : SingleByteInfo(static_cast<uint8_t>(code));
}

}  // namespace spindle
