// Runs one wast2json script (the .json and the .wasm files beside it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/rt/engine.h"

namespace spindle::spectest {

struct RunnerOptions {
  // Fail assert_malformed/assert_invalid when our message differs from the
  // suite's (by prefix); otherwise only the phase must match.
  bool strict_messages = false;
  bool verbose = false;
  // Run every module on the LLVM tier (compiled in this process, uncached).
  bool native = false;
};

struct FileResult {
  std::string path;
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;             // text-format modules: we read binaries only
  uint64_t message_mismatches = 0;  // passed, but with other wording
  std::vector<std::string> failures;
  std::vector<std::string> mismatches;
};

FileResult RunSpecFile(Engine& engine, const std::filesystem::path& json_path,
                       const RunnerOptions& options);

}  // namespace spindle::spectest
