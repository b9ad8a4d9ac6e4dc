#include "engine/tier/native_cache.h"

// The one-call SHA-256 API: the EVP interface would first initialise
// OpenSSL's library context and read openssl.cnf, about 1 ms of every
// `spindle run`, for a hash of a few kilobytes.
#define OPENSSL_API_COMPAT 0x10100000L
#include <cpuid.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "engine/tier/cache_trim.h"
#include "engine/tier/plugin_loader.h"

namespace spindle::tier {
namespace {

namespace fs = std::filesystem;

// The CPU features the compiler targets (it compiles for the host CPU),
// from CPUID: reading /proc/cpuinfo would cost a millisecond per process.
const std::string& CpuFeatures() {
  static const std::string features = [] {
    std::string text;
    // Only registers that describe the CPU model and features: leaf 1's EBX
    // holds the APIC id of the core this runs on, which must not matter.
    auto add = [&text](unsigned leaf, unsigned subleaf, bool with_ebx) {
      unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
      if (!__get_cpuid_count(leaf, subleaf, &eax, &ebx, &ecx, &edx)) return;
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%x:%x:%x:%x:%x|", leaf, eax, with_ebx ? ebx : 0, ecx,
                    edx);
      text += buffer;
    };
    add(0, 0, true);            // vendor and highest leaf
    add(1, 0, false);           // family/model/stepping, SSE..AVX, OSXSAVE
    add(7, 0, true);            // AVX2, AVX-512, BMI
    add(7, 1, true);
    add(0x80000001, 0, false);  // LZCNT, ... (extended)
    return text;
  }();
  return features;
}

Error CompileError(const CompiledModule& module, std::string message) {
  Error error = MakeError(Phase::kUsage, std::move(message));
  error.source = module.name();
  return error;
}

Result<std::shared_ptr<const NativeCode>> TryLoad(const std::string& path,
                                                  const CompiledModule& module,
                                                  const NativeCacheKey& key) {
  std::error_code error;
  if (!fs::exists(path, error)) return MakeError(Phase::kIo, "absent");
  return NativeCode::LoadFile(path, module.module(), key);
}

Result<std::vector<uint8_t>> CompileInChild(const std::string& exe, const CompiledModule& module,
                                            const NativeOptions& options,
                                            const std::string& out_path) {
  // The child reads the module from a file: the module's own, when it has
  // one, else a temporary copy.
  std::string wasm_path = module.module().source->path();
  std::string temporary;
  if (wasm_path.empty()) {
    temporary = out_path + ".wasm.tmp";
    SPINDLE_TRY(WriteArtifactAtomically(temporary, module.bytes()));
    wasm_path = temporary;
  }
  const std::string opt = std::to_string(options.opt_level);
  const std::string threads = std::to_string(options.threads);
  const pid_t pid = fork();
  if (pid < 0) return CompileError(module, std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    // A compile outliving its server (killed with SIGKILL) would only burn CPU.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (options.background && nice(10) == -1) {
      // Still compile at normal priority.
    }
    execl(exe.c_str(), exe.c_str(), kCompileCommand, wasm_path.c_str(), out_path.c_str(),
          opt.c_str(), threads.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (options.running_child) options.running_child->store(pid);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (options.running_child) options.running_child->store(0);
  if (!temporary.empty()) unlink(temporary.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return CompileError(module, "the native compiler process failed (" +
                                    (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                       : "signal " + std::to_string(WTERMSIG(status))) +
                                    "); its message is on stderr");
  }
  return std::vector<uint8_t>();
}

}  // namespace

const char* NativeSourceName(NativeSource source) {
  switch (source) {
    case NativeSource::kSiblingArtifact: return "precompiled artifact";
    case NativeSource::kCache: return "cache";
    case NativeSource::kCompiled: return "compiled";
  }
  return "?";
}

std::string DefaultCacheDir() {
  // SPINDLE_CACHE_DIR names the directory itself, as --cache-dir does.
  if (const char* dir = std::getenv("SPINDLE_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/spindle/native";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.cache/spindle/native";
  }
  return "/tmp/spindle-cache/native";
}

NativeCacheKey CacheKey(std::span<const uint8_t> wasm, uint32_t opt_level) {
  std::ostringstream settings;
  settings << "spindle-native|abi " << native::kAbiVersion << "|format "
           << native::kArtifactFormatVersion << "|codegen " << SPINDLE_LLVM_CODEGEN_REVISION
           << "|opt " << opt_level << "|" << CpuFeatures();
  const std::string text = settings.str();
  NativeCacheKey key{};
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, text.data(), text.size());
  SHA256_Update(&context, wasm.data(), wasm.size());
  SHA256_Final(key.data(), &context);
  return key;
}

std::string KeyHex(const NativeCacheKey& key) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t byte : key) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 15];
  }
  return hex;
}

std::string CacheEntryPath(const std::string& cache_dir, const NativeCacheKey& key) {
  return (cache_dir.empty() ? DefaultCacheDir() : cache_dir) + "/" + KeyHex(key) + ".swasm";
}

std::string SiblingArtifactPath(const std::string& module_path) {
  if (module_path.empty()) return {};
  fs::path path(module_path);
  return path.replace_extension(".swasm").string();
}

Status WriteArtifactAtomically(const std::string& path, std::span<const uint8_t> artifact) {
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  // Unique per writer, threads of one process included: two writers sharing
  // a temporary file would interleave their bytes and rename a mix.
  static std::atomic<uint64_t> writers{0};
  const std::string temporary = path + ".tmp." + std::to_string(getpid()) + "." +
                                std::to_string(writers.fetch_add(1, std::memory_order_relaxed));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(artifact.data()),
              static_cast<std::streamsize>(artifact.size()));
    out.flush();
    if (!out) {
      fs::remove(temporary, error);
      return MakeError(Phase::kIo, "cannot write " + temporary);
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = strerror(errno);
    fs::remove(temporary, error);
    return MakeError(Phase::kIo, "cannot rename " + temporary + " to " + path + ": " + reason);
  }
  return Ok();
}

Result<std::vector<uint8_t>> CompileArtifact(std::span<const uint8_t> wasm,
                                             const NativeCacheKey& key, uint32_t opt_level,
                                             uint32_t threads) {
  SPINDLE_ASSIGN_OR_RETURN(CompileFunction compile, LoadCompilerPlugin());
  SpindleCompileRequest request{wasm.data(), wasm.size(), key.data(), opt_level, threads};
  SpindleCompileResult result{};
  const int status = compile(&request, &result);
  if (status != 0 || !result.artifact) {
    std::string message = result.error ? result.error : "the LLVM compiler failed";
    std::free(result.error);
    std::free(result.artifact);
    return MakeError(Phase::kUsage, "native compile: " + message);
  }
  std::vector<uint8_t> artifact(result.artifact, result.artifact + result.artifact_size);
  std::free(result.artifact);
  std::free(result.error);
  return artifact;
}

Result<WrittenArtifact> CompileArtifactToFile(std::span<const uint8_t> wasm, std::string_view name,
                                              uint32_t opt_level, uint32_t threads,
                                              const std::string& path,
                                              const std::string& cache_dir) {
  // A bad limit fails before minutes of compiling, not after.
  uint64_t max_bytes = 0;
  if (path.empty()) {
    SPINDLE_ASSIGN_OR_RETURN(max_bytes, CacheMaxBytesFromEnvironment());
  }
  WrittenArtifact written;
  written.key = CacheKey(wasm, opt_level);
  const auto started = std::chrono::steady_clock::now();
  auto artifact = CompileArtifact(wasm, written.key, opt_level, threads);
  if (!artifact.ok()) {
    Error error = std::move(artifact).error();
    error.message = std::string(name) + ": " + error.message;
    return error;
  }
  written.compile_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  written.path = path.empty() ? CacheEntryPath(cache_dir, written.key) : path;
  SPINDLE_TRY(WriteArtifactAtomically(written.path, *artifact));
  if (path.empty()) {
    TrimCache(fs::path(written.path).parent_path().string(), max_bytes, written.path);
  }
  return written;
}

Result<NativeOutcome> ObtainNativeCode(const CompiledModule& module, const NativeOptions& options) {
  const NativeCacheKey key = CacheKey(module.bytes(), options.opt_level);
  // An existing artifact, if `path` holds one that matches the key; a
  // damaged or foreign file is ignored (and a cache entry recompiled over).
  auto existing = [&](const std::string& path, NativeSource source) -> std::optional<NativeOutcome> {
    auto code = TryLoad(path, module, key);
    if (!code.ok()) return std::nullopt;
    NativeOutcome found;
    found.code = std::move(code).value();
    found.source = source;
    found.compile_seconds = found.code->header().compile_seconds;
    found.artifact_path = path;
    return found;
  };
  const std::string sibling = SiblingArtifactPath(module.module().source->path());
  if (!sibling.empty()) {
    if (auto found = existing(sibling, NativeSource::kSiblingArtifact)) return *found;
  }
  const std::string cached = CacheEntryPath(options.cache_dir, key);
  if (options.use_cache) {
    if (auto found = existing(cached, NativeSource::kCache)) {
      TouchCacheEntry(cached);  // recently used: trimmed last
      return *found;
    }
  }
  if (options.lookup_only) {
    return MakeError(Phase::kIo, "no precompiled or cached native code for " + module.name());
  }
  uint64_t cache_max_bytes = 0;
  if (options.use_cache) {
    if (options.cache_max_bytes) {
      cache_max_bytes = *options.cache_max_bytes;
    } else {
      SPINDLE_ASSIGN_OR_RETURN(cache_max_bytes, CacheMaxBytesFromEnvironment());
    }
  }
  const auto started = std::chrono::steady_clock::now();
  NativeOutcome outcome;
  outcome.source = NativeSource::kCompiled;
  if (!options.compiler_exe.empty()) {
    const std::string out_path =
        options.use_cache ? cached
                          : (fs::temp_directory_path() / ("spindle-" + KeyHex(key) + "-" +
                                                          std::to_string(getpid()) + ".swasm"))
                                .string();
    SPINDLE_TRY(CompileInChild(options.compiler_exe, module, options, out_path));
    auto code = NativeCode::LoadFile(out_path, module.module(), key);
    if (!options.use_cache) unlink(out_path.c_str());  // the mapping stays valid
    SPINDLE_ASSIGN_OR_RETURN(outcome.code, std::move(code));
    if (options.use_cache) outcome.artifact_path = cached;
  } else {
    SPINDLE_ASSIGN_OR_RETURN(std::vector<uint8_t> artifact,
                             CompileArtifact(module.bytes(), key, options.opt_level, options.threads));
    if (options.use_cache && WriteArtifactAtomically(cached, artifact).ok()) {
      SPINDLE_ASSIGN_OR_RETURN(outcome.code, NativeCode::LoadFile(cached, module.module(), key));
      outcome.artifact_path = cached;
    } else {
      SPINDLE_ASSIGN_OR_RETURN(outcome.code,
                               NativeCode::LoadBytes(artifact, module.module(), key, module.name()));
    }
  }
  outcome.compile_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // After the load: the new entry is mapped, and kept even if it alone is
  // over the limit.
  if (!outcome.artifact_path.empty()) {
    const CacheTrim trim =
        TrimCache(fs::path(cached).parent_path().string(), cache_max_bytes, cached);
    outcome.cache_entries_removed = trim.removed_entries;
    outcome.cache_bytes_removed = trim.removed_bytes;
  }
  return outcome;
}

int RunCompileCommand(int argc, char** argv) {
  // argv: exe __compile-native WASM OUT OPT THREADS
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s %s WASM OUT OPT THREADS\n", argv[0], kCompileCommand);
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::vector<uint8_t> wasm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) {
    std::fprintf(stderr, "%s: cannot read\n", argv[2]);
    return 1;
  }
  const uint32_t opt = static_cast<uint32_t>(std::strtoul(argv[4], nullptr, 10));
  const uint32_t threads = static_cast<uint32_t>(std::strtoul(argv[5], nullptr, 10));
  auto written = CompileArtifactToFile(wasm, argv[2], opt, threads, argv[3]);
  if (!written.ok()) {
    std::fprintf(stderr, "%s\n", written.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace spindle::tier
