// spindle-spectest DIR|FILE... : runs wast2json output (recursively) and
// prints per-file results and a closing "N passed, M failed" line.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/spectest/runner.h"

namespace fs = std::filesystem;
using spindle::spectest::FileResult;

int main(int argc, char** argv) {
  CLI::App app{"Runs WebAssembly spec tests converted by wast2json."};
  std::vector<std::string> inputs;
  std::string bounds = "guard";
  spindle::spectest::RunnerOptions options;
  bool quiet = false;
  app.add_option("inputs", inputs, "Directories (searched recursively) or .json files")
      ->required();
  app.add_option("--bounds", bounds, "Memory bounds checks: guard or explicit")
      ->check(CLI::IsMember({"guard", "explicit"}));
  app.add_flag("--strict-messages", options.strict_messages,
               "Fail malformed/invalid assertions whose message differs");
  app.add_flag("-v,--verbose", options.verbose, "List message mismatches too");
  app.add_flag("-q,--quiet", quiet, "Print only failing files and the summary");
  std::string tier = "interp";
  app.add_option("--tier", tier, "Engine tier: interp, or llvm (every module compiled natively)")
      ->check(CLI::IsMember({"interp", "llvm"}));
  CLI11_PARSE(app, argc, argv);
  options.native = tier == "llvm";

  std::vector<fs::path> files;
  for (const std::string& input : inputs) {
    std::error_code error;
    if (fs::is_directory(input, error)) {
      for (const auto& entry : fs::recursive_directory_iterator(input)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
          files.push_back(entry.path());
        }
      }
    } else if (fs::is_regular_file(input, error)) {
      files.emplace_back(input);
    } else {
      std::fprintf(stderr, "spindle-spectest: %s: no such file or directory\n", input.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());

  spindle::EngineConfig config;
  config.bounds_checks =
      bounds == "explicit" ? spindle::BoundsChecks::kExplicit : spindle::BoundsChecks::kGuardPages;
  spindle::Engine engine(config);

  uint64_t passed = 0, failed = 0, skipped = 0, mismatches = 0;
  for (const fs::path& file : files) {
    FileResult result = spindle::spectest::RunSpecFile(engine, file, options);
    passed += result.passed;
    failed += result.failed;
    skipped += result.skipped;
    mismatches += result.message_mismatches;
    if (!quiet || result.failed > 0) {
      std::printf("%s: %llu passed, %llu failed", result.path.c_str(),
                  static_cast<unsigned long long>(result.passed),
                  static_cast<unsigned long long>(result.failed));
      if (result.skipped) std::printf(", %llu skipped", static_cast<unsigned long long>(result.skipped));
      std::printf("\n");
    }
    for (const std::string& failure : result.failures) std::printf("  FAIL %s\n", failure.c_str());
    if (options.verbose) {
      for (const std::string& note : result.mismatches) std::printf("  message %s\n", note.c_str());
    }
  }
  std::printf("%zu files; %llu skipped (text-format modules); %llu message mismatches\n",
              files.size(), static_cast<unsigned long long>(skipped),
              static_cast<unsigned long long>(mismatches));
  std::printf("%llu passed, %llu failed\n", static_cast<unsigned long long>(passed),
              static_cast<unsigned long long>(failed));
  return failed == 0 && !files.empty() ? 0 : 1;
}
