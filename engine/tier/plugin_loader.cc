#include "engine/tier/plugin_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace spindle::tier {
namespace {

std::vector<std::string> Candidates() {
  std::vector<std::string> paths;
  if (const char* configured = std::getenv("SPINDLE_LLVM_PLUGIN"); configured && *configured) {
    paths.emplace_back(configured);
    return paths;
  }
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    paths.push_back((exe.parent_path() / SPINDLE_LLVM_PLUGIN_NAME).string());
    paths.push_back((exe.parent_path() / ".." / "lib" / "spindle" / SPINDLE_LLVM_PLUGIN_NAME).string());
  }
  return paths;
}

}  // namespace

Result<CompileFunction> LoadCompilerPlugin() {
  static std::once_flag once;
  static CompileFunction function = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    std::string tried;
    for (const std::string& path : Candidates()) {
      if (access(path.c_str(), R_OK) != 0) {
        tried += (tried.empty() ? "" : ", ") + path;
        continue;
      }
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        failure = std::string("cannot load the LLVM compiler plugin: ") + dlerror();
        return;
      }
      function = reinterpret_cast<CompileFunction>(dlsym(handle, SPINDLE_LLVM_COMPILE_SYMBOL));
      if (!function) failure = path + ": no " SPINDLE_LLVM_COMPILE_SYMBOL " symbol";
      return;
    }
    failure = "the LLVM compiler plugin " SPINDLE_LLVM_PLUGIN_NAME
              " was not found (looked at " + tried +
              "; set SPINDLE_LLVM_PLUGIN or use --tier interp)";
  });
  if (!function) return MakeError(Phase::kUsage, failure);
  return function;
}

}  // namespace spindle::tier
