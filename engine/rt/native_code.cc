#include "engine/rt/native_code.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace spindle {
namespace {

constexpr uint64_t kPage = 4096;

Error ArtifactError(const std::string& name, const std::string& message, int64_t offset = -1) {
  Error error = MakeError(Phase::kIo, message, offset);
  error.source = name;
  return error;
}

bool TableFits(uint64_t offset, uint64_t count, uint64_t size) {
  return offset <= size && count <= (size - offset) / sizeof(uint64_t);
}

}  // namespace

Status NativeCode::Parse(std::span<const uint8_t> artifact, const Module& module,
                         const NativeCacheKey& key, const std::string& name, NativeCode& code) {
  using native::ArtifactHeader;
  if (artifact.size() < sizeof(ArtifactHeader)) {
    return ArtifactError(name, "not a Spindle native artifact: " + std::to_string(artifact.size()) +
                                   " bytes is shorter than the header");
  }
  ArtifactHeader& header = code.header_;
  std::memcpy(&header, artifact.data(), sizeof header);
  if (std::memcmp(header.magic, native::kArtifactMagic, sizeof header.magic) != 0) {
    return ArtifactError(name, "not a Spindle native artifact (bad magic)", 0);
  }
  if (header.format_version != native::kArtifactFormatVersion ||
      header.abi_version != native::kAbiVersion) {
    return ArtifactError(name, "native artifact of format " + std::to_string(header.format_version) +
                                   "/ABI " + std::to_string(header.abi_version) +
                                   ", this engine reads " +
                                   std::to_string(native::kArtifactFormatVersion) + "/" +
                                   std::to_string(native::kAbiVersion));
  }
  if (std::memcmp(header.key, key.data(), key.size()) != 0) {
    return ArtifactError(name,
                         "native artifact was compiled for other module bytes, CPU or engine "
                         "settings (cache key differs)");
  }
  if (header.num_functions != module.functions.size() || header.num_types != module.types.size()) {
    return ArtifactError(name, "native artifact describes " + std::to_string(header.num_functions) +
                                   " functions and " + std::to_string(header.num_types) +
                                   " types, the module has " +
                                   std::to_string(module.functions.size()) + " and " +
                                   std::to_string(module.types.size()));
  }
  const uint64_t size = artifact.size();
  if (!TableFits(header.function_table_offset, header.num_functions, size) ||
      !TableFits(header.entry_table_offset, header.num_types, size) ||
      header.code_offset % kPage != 0 || header.code_offset > size ||
      header.code_size > size - header.code_offset || header.code_size == 0) {
    return ArtifactError(name, "native artifact is truncated or its tables overlap", 0);
  }
  code.function_offsets_ = std::make_unique<uint64_t[]>(header.num_functions);
  code.entry_offsets_ = std::make_unique<uint64_t[]>(header.num_types);
  std::memcpy(code.function_offsets_.get(), artifact.data() + header.function_table_offset,
              header.num_functions * sizeof(uint64_t));
  std::memcpy(code.entry_offsets_.get(), artifact.data() + header.entry_table_offset,
              header.num_types * sizeof(uint64_t));
  for (uint32_t i = 0; i < header.num_functions; ++i) {
    if (code.function_offsets_[i] >= header.code_size) {
      return ArtifactError(name, "native artifact: function " + std::to_string(i) +
                                     " lies outside the code",
                           static_cast<int64_t>(header.function_table_offset + 8 * i));
    }
  }
  code.functions_by_offset_.reserve(header.num_functions);
  for (uint32_t i = 0; i < header.num_functions; ++i) {
    code.functions_by_offset_.emplace_back(code.function_offsets_[i], i);
  }
  std::sort(code.functions_by_offset_.begin(), code.functions_by_offset_.end());
  for (uint32_t i = 0; i < header.num_types; ++i) {
    const uint64_t offset = code.entry_offsets_[i];
    if (offset != native::kNoEntry && offset >= header.code_size) {
      return ArtifactError(name, "native artifact: entry thunk " + std::to_string(i) +
                                     " lies outside the code",
                           static_cast<int64_t>(header.entry_table_offset + 8 * i));
    }
  }
  return Ok();
}

Result<std::shared_ptr<const NativeCode>> NativeCode::LoadBytes(std::span<const uint8_t> artifact,
                                                                const Module& module,
                                                                const NativeCacheKey& key,
                                                                const std::string& name) {
  std::unique_ptr<NativeCode> code(new NativeCode());
  SPINDLE_TRY(Parse(artifact, module, key, name, *code));
  const size_t length = (code->header_.code_size + kPage - 1) & ~(kPage - 1);
  void* mapping = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) {
    return ArtifactError(name, std::string("cannot map native code: ") + strerror(errno));
  }
  std::memcpy(mapping, artifact.data() + code->header_.code_offset, code->header_.code_size);
  if (mprotect(mapping, length, PROT_READ | PROT_EXEC) != 0) {
    munmap(mapping, length);
    return ArtifactError(name, std::string("cannot make native code executable: ") + strerror(errno));
  }
  code->mapping_ = static_cast<uint8_t*>(mapping);
  code->mapping_size_ = length;
  code->code_ = code->mapping_;
  return std::shared_ptr<const NativeCode>(code.release());
}

Result<std::shared_ptr<const NativeCode>> NativeCode::LoadFile(const std::string& path,
                                                               const Module& module,
                                                               const NativeCacheKey& key) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ArtifactError(path, std::string("cannot open: ") + strerror(errno));
  struct stat info;
  if (fstat(fd, &info) != 0 || info.st_size <= 0) {
    close(fd);
    return ArtifactError(path, "cannot read the native artifact (empty or unreadable)");
  }
  const size_t size = static_cast<size_t>(info.st_size);
  // One read-only view to check the tables, then the code range is mapped
  // executable from the same file: the page cache shares it between processes.
  void* view = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (view == MAP_FAILED) {
    close(fd);
    return ArtifactError(path, std::string("cannot map: ") + strerror(errno));
  }
  std::unique_ptr<NativeCode> code(new NativeCode());
  Status parsed = Parse({static_cast<const uint8_t*>(view), size}, module, key, path, *code);
  munmap(view, size);
  if (!parsed.ok()) {
    close(fd);
    return std::move(parsed).error();
  }
  const native::ArtifactHeader& header = code->header_;
  void* mapping = mmap(nullptr, header.code_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
                       static_cast<off_t>(header.code_offset));
  close(fd);
  if (mapping == MAP_FAILED) {
    return ArtifactError(path, std::string("cannot map native code: ") + strerror(errno));
  }
  code->mapping_ = static_cast<uint8_t*>(mapping);
  code->mapping_size_ = header.code_size;
  code->code_ = code->mapping_;
  return std::shared_ptr<const NativeCode>(code.release());
}

NativeCode::~NativeCode() {
  if (mapping_) munmap(mapping_, mapping_size_);
}

std::optional<uint32_t> NativeCode::FunctionAt(const void* pc) const {
  if (!pc || !Contains(pc)) return std::nullopt;
  const uint64_t offset = static_cast<const uint8_t*>(pc) - code_;
  auto after = std::upper_bound(
      functions_by_offset_.begin(), functions_by_offset_.end(), offset,
      [](uint64_t value, const std::pair<uint64_t, uint32_t>& entry) { return value < entry.first; });
  if (after == functions_by_offset_.begin()) return std::nullopt;
  return std::prev(after)->second;
}

NativeEntryThunk NativeCode::entry(uint32_t type_index) const {
  const uint64_t offset = entry_offsets_[type_index];
  if (offset == native::kNoEntry) return nullptr;
  return reinterpret_cast<NativeEntryThunk>(const_cast<uint8_t*>(code_ + offset));
}

}  // namespace spindle
