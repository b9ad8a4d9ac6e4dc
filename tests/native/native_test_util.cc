#include "tests/native/native_test_util.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace spindle::testing {

ScratchDir::ScratchDir() {
  char pattern[] = "/tmp/spindle-native-test-XXXXXX";
  path_ = mkdtemp(pattern);
}

ScratchDir::~ScratchDir() {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

tier::NativeOptions InProcessOptions(const std::string& cache_dir) {
  tier::NativeOptions options;
  options.cache_dir = cache_dir;
  options.threads = 2;
  return options;
}

void MakeNative(CompiledModule& module) {
  tier::NativeOptions options;
  options.use_cache = false;
  auto outcome = tier::ObtainNativeCode(module, options);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  module.PublishNativeCode(outcome->code);
}

}  // namespace spindle::testing
