#include "engine/llvm/object_linker.h"

#include <elf.h>

#include <cstring>
#include <limits>
#include <span>
#include <string_view>

namespace spindle::aot {
namespace {

Error LinkError(std::string message) {
  return MakeError(Phase::kValidate, "LLVM tier link: " + std::move(message));
}

// One object's view: its section headers and symbols, read in place.
struct ObjectFile {
  std::span<const uint8_t> bytes;
  std::span<const Elf64_Shdr> sections;
  std::span<const Elf64_Sym> symbols;
  const char* symbol_names = nullptr;
  size_t symbol_names_size = 0;
  const char* section_names = nullptr;
  size_t section_names_size = 0;
  std::vector<uint64_t> section_address;  // blob offset per section, or kNotPlaced

  std::string_view SectionName(const Elf64_Shdr& section) const {
    if (section.sh_name >= section_names_size) return {};
    return section_names + section.sh_name;
  }
  std::string_view SymbolName(const Elf64_Sym& symbol) const {
    if (symbol.st_name >= symbol_names_size) return {};
    return symbol_names + symbol.st_name;
  }
};

constexpr uint64_t kNotPlaced = std::numeric_limits<uint64_t>::max();

template <typename T>
std::span<const T> ArrayAt(std::span<const uint8_t> bytes, uint64_t offset, uint64_t size) {
  if (offset > bytes.size() || size > bytes.size() - offset || size % sizeof(T) != 0) return {};
  return {reinterpret_cast<const T*>(bytes.data() + offset), size / sizeof(T)};
}

Result<ObjectFile> ParseObject(std::span<const uint8_t> bytes) {
  ObjectFile object;
  object.bytes = bytes;
  if (bytes.size() < sizeof(Elf64_Ehdr)) return LinkError("object too small");
  Elf64_Ehdr header;
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB || header.e_type != ET_REL ||
      header.e_machine != EM_X86_64 || header.e_shentsize != sizeof(Elf64_Shdr)) {
    return LinkError("not an x86-64 ELF64 relocatable object");
  }
  object.sections = ArrayAt<Elf64_Shdr>(bytes, header.e_shoff,
                                        uint64_t(header.e_shnum) * sizeof(Elf64_Shdr));
  if (object.sections.empty() || header.e_shstrndx >= object.sections.size()) {
    return LinkError("bad section header table");
  }
  const Elf64_Shdr& names = object.sections[header.e_shstrndx];
  if (names.sh_offset + names.sh_size > bytes.size()) return LinkError("bad section names");
  object.section_names = reinterpret_cast<const char*>(bytes.data() + names.sh_offset);
  object.section_names_size = names.sh_size;

  for (const Elf64_Shdr& section : object.sections) {
    if (section.sh_type != SHT_SYMTAB) continue;
    object.symbols = ArrayAt<Elf64_Sym>(bytes, section.sh_offset, section.sh_size);
    if (section.sh_link >= object.sections.size()) return LinkError("bad symbol table");
    const Elf64_Shdr& strings = object.sections[section.sh_link];
    if (strings.sh_offset + strings.sh_size > bytes.size()) return LinkError("bad symbol names");
    object.symbol_names = reinterpret_cast<const char*>(bytes.data() + strings.sh_offset);
    object.symbol_names_size = strings.sh_size;
  }
  object.section_address.assign(object.sections.size(), kNotPlaced);
  return object;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Whether an allocated section belongs in the blob; errors for sections
// that would need a writable mapping.
Result<bool> IsPlaced(const ObjectFile& object, const Elf64_Shdr& section) {
  // .comment, .llvm_addrsig, symbol and relocation tables are not SHF_ALLOC.
  if (!(section.sh_flags & SHF_ALLOC)) return false;
  const std::string_view name = object.SectionName(section);
  if (StartsWith(name, ".eh_frame") || StartsWith(name, ".note")) return false;
  if (section.sh_flags & SHF_WRITE) {
    if (section.sh_size == 0) return false;
    return LinkError("writable section " + std::string(name) +
                     " (compiled code must not have mutable data)");
  }
  if (section.sh_type == SHT_NOBITS && section.sh_size != 0) {
    return LinkError("uninitialized section " + std::string(name));
  }
  if (section.sh_type != SHT_PROGBITS && section.sh_type != SHT_NOBITS) {
    return LinkError("unexpected section type in " + std::string(name));
  }
  return true;
}

Status LayOut(std::vector<ObjectFile>& objects, std::vector<uint8_t>& blob) {
  // Two passes, code then read-only data, so the executable part is one run.
  for (bool executable : {true, false}) {
    for (ObjectFile& object : objects) {
      for (size_t i = 0; i < object.sections.size(); ++i) {
        const Elf64_Shdr& section = object.sections[i];
        Result<bool> placed = IsPlaced(object, section);
        if (!placed.ok()) return std::move(placed).error();
        if (!*placed || bool(section.sh_flags & SHF_EXECINSTR) != executable) continue;
        const uint64_t align = std::max<uint64_t>(section.sh_addralign, 1);
        if (align > 4096) return LinkError("section alignment above a page");
        const uint64_t address = (blob.size() + align - 1) / align * align;
        if (section.sh_type == SHT_PROGBITS &&
            section.sh_offset + section.sh_size > object.bytes.size()) {
          return LinkError("section " + std::string(object.SectionName(section)) +
                           " runs past the object");
        }
        // Padding between code sections is int3, so a stray jump traps.
        blob.resize(address, executable ? 0xcc : 0);
        if (section.sh_type == SHT_PROGBITS) {
          const uint8_t* data = object.bytes.data() + section.sh_offset;
          blob.insert(blob.end(), data, data + section.sh_size);
        } else {
          blob.resize(address + section.sh_size, 0);
        }
        object.section_address[i] = address;
      }
    }
  }
  return Ok();
}

Status CollectGlobals(const std::vector<ObjectFile>& objects,
                      std::unordered_map<std::string, uint64_t>& globals) {
  for (const ObjectFile& object : objects) {
    for (const Elf64_Sym& symbol : object.symbols) {
      const int binding = ELF64_ST_BIND(symbol.st_info);
      if (binding == STB_LOCAL || symbol.st_shndx == SHN_UNDEF) continue;
      if (symbol.st_shndx >= object.sections.size() ||
          object.section_address[symbol.st_shndx] == kNotPlaced) {
        continue;  // absolute or in a skipped section: never referenced by code
      }
      const std::string name(object.SymbolName(symbol));
      const uint64_t address = object.section_address[symbol.st_shndx] + symbol.st_value;
      if (!globals.emplace(name, address).second) {
        return LinkError("symbol " + name + " defined twice");
      }
    }
  }
  return Ok();
}

Result<uint64_t> SymbolAddress(const ObjectFile& object, uint32_t index,
                               const std::unordered_map<std::string, uint64_t>& globals) {
  if (index >= object.symbols.size()) return LinkError("relocation names a bad symbol");
  const Elf64_Sym& symbol = object.symbols[index];
  if (symbol.st_shndx == SHN_UNDEF) {
    const std::string name(object.SymbolName(symbol));
    auto it = globals.find(name);
    if (it == globals.end()) return LinkError("undefined symbol " + name);
    return it->second;
  }
  if (symbol.st_shndx >= object.sections.size() ||
      object.section_address[symbol.st_shndx] == kNotPlaced) {
    return LinkError("relocation against " + std::string(object.SymbolName(symbol)) +
                     " outside the code and read-only data");
  }
  return object.section_address[symbol.st_shndx] + symbol.st_value;
}

template <typename T>
void Patch(std::vector<uint8_t>& blob, uint64_t offset, T value) {
  std::memcpy(blob.data() + offset, &value, sizeof(value));
}

Status ApplyRelocations(const ObjectFile& object,
                        const std::unordered_map<std::string, uint64_t>& globals,
                        std::vector<uint8_t>& blob) {
  for (const Elf64_Shdr& section : object.sections) {
    if (section.sh_type == SHT_REL) return LinkError("REL relocations are not supported");
    if (section.sh_type != SHT_RELA) continue;
    if (section.sh_info >= object.sections.size()) return LinkError("bad relocation section");
    const uint64_t target_base = object.section_address[section.sh_info];
    if (target_base == kNotPlaced) continue;  // relocations of .eh_frame and the like
    const uint64_t target_size = object.sections[section.sh_info].sh_size;

    for (const Elf64_Rela& relocation :
         ArrayAt<Elf64_Rela>(object.bytes, section.sh_offset, section.sh_size)) {
      const uint32_t type = ELF64_R_TYPE(relocation.r_info);
      if (type == R_X86_64_NONE) continue;
      Result<uint64_t> symbol = SymbolAddress(object, ELF64_R_SYM(relocation.r_info), globals);
      if (!symbol.ok()) return std::move(symbol).error();
      const uint64_t place = target_base + relocation.r_offset;
      const int64_t value = int64_t(*symbol) + relocation.r_addend - int64_t(place);
      const uint64_t width = type == R_X86_64_PC64 ? 8 : 4;
      if (relocation.r_offset + width > target_size) return LinkError("relocation out of range");
      switch (type) {
        case R_X86_64_PC32:
        case R_X86_64_PLT32:
          if (value < INT32_MIN || value > INT32_MAX) return LinkError("PC32 overflow");
          Patch(blob, place, int32_t(value));
          break;
        case R_X86_64_PC64:
          Patch(blob, place, value);
          break;
        case R_X86_64_REX_GOTPCRELX:
        case R_X86_64_GOTPCRELX:
          // With a local symbol, `mov foo@GOTPCREL(%rip), %reg` relaxes to
          // `lea foo(%rip), %reg`; the blob has no GOT for anything else.
          if (relocation.r_offset >= 2 && blob[place - 2] == 0x8b) {
            blob[place - 2] = 0x8d;
            if (value < INT32_MIN || value > INT32_MAX) return LinkError("PC32 overflow");
            Patch(blob, place, int32_t(value));
            break;
          }
          return LinkError("GOT-relative relocation that cannot be relaxed");
        default:
          return LinkError("unsupported relocation type " + std::to_string(type) +
                           " (compiled code must be position independent)");
      }
    }
  }
  return Ok();
}

}  // namespace

Result<LinkedCode> LinkObjects(const std::vector<std::vector<uint8_t>>& objects) {
  std::vector<ObjectFile> parsed;
  for (const std::vector<uint8_t>& bytes : objects) {
    Result<ObjectFile> object = ParseObject(bytes);
    if (!object.ok()) return std::move(object).error();
    parsed.push_back(std::move(*object));
  }
  LinkedCode linked;
  SPINDLE_TRY(LayOut(parsed, linked.blob));
  SPINDLE_TRY(CollectGlobals(parsed, linked.symbols));
  for (const ObjectFile& object : parsed) {
    SPINDLE_TRY(ApplyRelocations(object, linked.symbols, linked.blob));
  }
  return linked;
}

}  // namespace spindle::aot
