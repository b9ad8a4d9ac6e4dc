#include "engine/llvm/artifact_writer.h"

#include <cstring>

#include "engine/rt/native_abi.h"

namespace spindle::aot {

std::vector<uint8_t> WriteArtifact(const ArtifactContents& contents) {
  using native::ArtifactHeader;
  constexpr uint64_t kPage = 4096;
  const uint64_t function_table = sizeof(ArtifactHeader);
  const uint64_t entry_table = function_table + contents.function_offsets.size() * 8;
  const uint64_t tables_end = entry_table + contents.entry_offsets.size() * 8;
  const uint64_t code_offset = (tables_end + kPage - 1) / kPage * kPage;

  ArtifactHeader header{};
  std::memcpy(header.magic, native::kArtifactMagic, sizeof(header.magic));
  header.format_version = native::kArtifactFormatVersion;
  header.abi_version = native::kAbiVersion;
  if (contents.key) std::memcpy(header.key, contents.key, sizeof(header.key));
  header.wasm_size = contents.wasm_size;
  header.num_functions = uint32_t(contents.function_offsets.size());
  header.num_types = uint32_t(contents.entry_offsets.size());
  header.function_table_offset = function_table;
  header.entry_table_offset = entry_table;
  header.code_offset = code_offset;
  header.code_size = contents.code->size();
  header.opt_level = contents.opt_level;
  header.compile_seconds = contents.compile_seconds;

  std::vector<uint8_t> artifact(code_offset + contents.code->size(), 0);
  std::memcpy(artifact.data(), &header, sizeof(header));
  if (!contents.function_offsets.empty()) {
    std::memcpy(artifact.data() + function_table, contents.function_offsets.data(),
                contents.function_offsets.size() * 8);
  }
  if (!contents.entry_offsets.empty()) {
    std::memcpy(artifact.data() + entry_table, contents.entry_offsets.data(),
                contents.entry_offsets.size() * 8);
  }
  if (!contents.code->empty()) {
    std::memcpy(artifact.data() + code_offset, contents.code->data(), contents.code->size());
  }
  return artifact;
}

}  // namespace spindle::aot
