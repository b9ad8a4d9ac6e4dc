// Machine code of one module from the LLVM tier, loaded from an artifact
// (engine/rt/native_abi.h). The code is mapped read+execute and never
// relocated, so a file-backed artifact is shared with every process that
// maps the same file. Loading needs neither LLVM nor the compiler plugin.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>
#include <span>
#include <string>

#include "engine/base/result.h"
#include "engine/binary/module.h"
#include "engine/rt/native_abi.h"

namespace spindle {

using NativeCacheKey = std::array<uint8_t, 32>;
using NativeEntryThunk = void (*)(const void* function_code, native::VmContext* vmctx,
                                  uint64_t* slots);

class NativeCode {
 public:
  // Checks the artifact against `module` and `key` (so code compiled for
  // other bytes, another CPU or engine version is refused) and maps it.
  // `name` is used in error messages.
  static Result<std::shared_ptr<const NativeCode>> LoadFile(const std::string& path,
                                                            const Module& module,
                                                            const NativeCacheKey& key);
  static Result<std::shared_ptr<const NativeCode>> LoadBytes(std::span<const uint8_t> artifact,
                                                             const Module& module,
                                                             const NativeCacheKey& key,
                                                             const std::string& name);
  ~NativeCode();
  NativeCode(const NativeCode&) = delete;
  NativeCode& operator=(const NativeCode&) = delete;

  const void* function(uint32_t defined_index) const { return code_ + function_offsets_[defined_index]; }
  // Null when the module's functions of this type are never entered.
  NativeEntryThunk entry(uint32_t type_index) const;

  const native::ArtifactHeader& header() const { return header_; }
  size_t code_size() const { return header_.code_size; }
  // The defined function whose code holds `pc`, if any.
  std::optional<uint32_t> FunctionAt(const void* pc) const;
  bool Contains(const void* pc) const {
    auto* p = static_cast<const uint8_t*>(pc);
    return p >= code_ && p < code_ + header_.code_size;
  }

 private:
  NativeCode() = default;
  static Status Parse(std::span<const uint8_t> artifact, const Module& module,
                      const NativeCacheKey& key, const std::string& name, NativeCode& code);

  native::ArtifactHeader header_{};
  std::unique_ptr<uint64_t[]> function_offsets_;
  std::unique_ptr<uint64_t[]> entry_offsets_;
  std::vector<std::pair<uint64_t, uint32_t>> functions_by_offset_;  // sorted
  uint8_t* mapping_ = nullptr;  // what munmap releases
  size_t mapping_size_ = 0;
  const uint8_t* code_ = nullptr;
};

}  // namespace spindle
