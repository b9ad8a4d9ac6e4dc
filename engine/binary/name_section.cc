#include "engine/binary/name_section.h"

#include "engine/base/byte_reader.h"

namespace spindle {
namespace {

constexpr uint8_t kModuleNameSubsection = 0;
constexpr uint8_t kFunctionNamesSubsection = 1;

void ParseFunctionNames(ByteReader& reader, Module& module) {
  const uint32_t count = reader.ReadU32();
  for (uint32_t i = 0; i < count && reader.ok(); ++i) {
    const uint32_t index = reader.ReadU32();
    const std::string_view name = reader.ReadName();
    if (reader.ok()) module.function_names.emplace(index, name);
  }
}

}  // namespace

void ParseNameSection(Module& module) {
  for (const auto& section : module.custom_sections) {
    if (section.name != "name") continue;
    ByteReader reader(section.contents.data(), section.contents.data() + section.contents.size(),
                      0);
    while (!reader.AtEnd() && reader.ok()) {
      const uint8_t id = reader.ReadByte();
      const uint32_t size = reader.ReadU32();
      const uint8_t* bytes = reader.ReadBytes(size);
      if (!reader.ok()) break;
      ByteReader sub(bytes, bytes + size, 0);
      if (id == kModuleNameSubsection) {
        const std::string_view name = sub.ReadName();
        if (sub.ok()) module.module_name = std::string(name);
      } else if (id == kFunctionNamesSubsection) {
        ParseFunctionNames(sub, module);
      }
    }
    return;
  }
}

}  // namespace spindle
