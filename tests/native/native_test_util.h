// Helpers for tests of the LLVM tier: compile a module to native code with
// the plugin from the build tree, in a private cache.
#pragma once

#include <memory>
#include <string>

#include "engine/embed/linker.h"
#include "engine/tier/native_cache.h"

namespace spindle::testing {

// A fresh empty cache directory, removed when the object goes.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

tier::NativeOptions InProcessOptions(const std::string& cache_dir);

// Compiles `module` natively (no cache) and publishes the code; fails the
// test on error.
void MakeNative(CompiledModule& module);

}  // namespace spindle::testing
