// Where native code of a module comes from: an artifact next to the module,
// the on-disk cache, or the compiler plugin (in this process or a child
// process). The cache key is a SHA-256 of the module bytes, the engine and
// compiler versions, the CPU's features and the compile settings, so an
// artifact is only ever used where it was built to run.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/rt/compiled_module.h"
#include "engine/rt/native_code.h"

namespace spindle::tier {

struct NativeOptions {
  // Artifact cache; empty means DefaultCacheDir(). Written atomically
  // (temporary file + rename), so concurrent writers and readers are safe.
  std::string cache_dir;
  bool use_cache = true;
  // After a compile adds an entry, the least recently used ones go until
  // the cache holds at most this many bytes (0: no limit). Unset:
  // $SPINDLE_CACHE_MAX_MB, else 1 GiB (tier/cache_trim.h).
  std::optional<uint64_t> cache_max_bytes;
  uint32_t opt_level = 2;
  uint32_t threads = 0;  // compiler partitions in parallel; 0 = all cores
  // When set, compile in a child process running `<compiler_exe>
  // __compile-native ...` (see RunCompileCommand), so LLVM never enters
  // this process and a stuck compile can be killed. Else dlopen the plugin.
  std::string compiler_exe;
  // Set to the compiler child's pid while it runs, so an owner shutting
  // down can kill it.
  std::atomic<int>* running_child = nullptr;
  // A background compile runs the child at a lower priority than serving.
  bool background = false;
  // Only look for an existing artifact (sibling or cache); never compile.
  bool lookup_only = false;
};

enum class NativeSource { kSiblingArtifact, kCache, kCompiled };
const char* NativeSourceName(NativeSource source);

struct NativeOutcome {
  std::shared_ptr<const NativeCode> code;
  NativeSource source = NativeSource::kCompiled;
  double compile_seconds = 0;  // of this compile, or of the cached artifact's
  std::string artifact_path;   // empty when the code lives only in memory
  // Least recently used entries the compile pushed out of the cache.
  uint64_t cache_entries_removed = 0;
  uint64_t cache_bytes_removed = 0;
};

// $SPINDLE_CACHE_DIR, else $XDG_CACHE_HOME/spindle/native, else
// ~/.cache/spindle/native.
std::string DefaultCacheDir();

NativeCacheKey CacheKey(std::span<const uint8_t> wasm, uint32_t opt_level);
std::string KeyHex(const NativeCacheKey& key);

// The cache entry for `key` in `cache_dir` (empty: DefaultCacheDir()).
std::string CacheEntryPath(const std::string& cache_dir, const NativeCacheKey& key);

// The artifact a module at `module_path` may ship with: x.wasm -> x.swasm.
std::string SiblingArtifactPath(const std::string& module_path);

// Sibling artifact, then cache, then compile (and store in the cache).
Result<NativeOutcome> ObtainNativeCode(const CompiledModule& module, const NativeOptions& options);

// Compiles with the plugin in this process; returns the artifact bytes.
Result<std::vector<uint8_t>> CompileArtifact(std::span<const uint8_t> wasm,
                                             const NativeCacheKey& key, uint32_t opt_level,
                                             uint32_t threads);

// Writes `artifact` to `path` through a temporary file and a rename.
Status WriteArtifactAtomically(const std::string& path, std::span<const uint8_t> artifact);

struct WrittenArtifact {
  NativeCacheKey key{};
  std::string path;
  double compile_seconds = 0;  // the compile alone: not the key, not the write
};

// The one-shot compile behind `spindle compile` and `__compile-native`:
// computes the cache key of `wasm`, compiles it with the plugin in this
// process and writes the artifact atomically to `path`, or, when `path` is
// empty, to its entry in `cache_dir` (see CacheEntryPath), which is then
// trimmed to $SPINDLE_CACHE_MAX_MB (tier/cache_trim.h). A compile error's
// message starts with "`name`: ".
Result<WrittenArtifact> CompileArtifactToFile(std::span<const uint8_t> wasm, std::string_view name,
                                              uint32_t opt_level, uint32_t threads,
                                              const std::string& path,
                                              const std::string& cache_dir = {});

// `<exe> __compile-native WASM OUT OPT THREADS`: the child side of
// NativeOptions::compiler_exe. Returns the process exit status.
int RunCompileCommand(int argc, char** argv);
inline constexpr const char* kCompileCommand = "__compile-native";

}  // namespace spindle::tier
