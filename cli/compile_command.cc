#include "cli/compile_command.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engine/rt/compiled_module.h"
#include "engine/tier/native_cache.h"

namespace spindle::cli {
namespace {

struct CompileOptions {
  std::vector<std::string> inputs;
  std::string output;
  bool sibling = false;
  std::string cache_dir;
  uint32_t opt_level = 2;
  uint32_t threads = 0;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "spindle compile: error: %s\n", message.c_str());
  return 1;
}

int Compile(const CompileOptions& options) {
  if (!options.output.empty() && options.inputs.size() != 1) {
    return Fail("-o names one output: give exactly one input module");
  }
  Engine engine;
  for (const std::string& input : options.inputs) {
    // Decoding and validating first gives the usual file and offset errors.
    auto module = CompiledModule::CompileFile(engine, input);
    if (!module.ok()) return Fail(module.error().ToString());
    std::string destination = options.output;
    if (destination.empty() && options.sibling) destination = tier::SiblingArtifactPath(input);
    auto written = tier::CompileArtifactToFile((*module)->bytes(), input, options.opt_level,
                                               options.threads, destination, options.cache_dir);
    if (!written.ok()) return Fail(written.error().message);
    // Loading it back checks what was written.
    auto loaded = NativeCode::LoadFile(written->path, (*module)->module(), written->key);
    if (!loaded.ok()) return Fail(loaded.error().ToString());
    const double megabytes = static_cast<double>((*module)->bytes().size()) / (1 << 20);
    const double seconds = written->compile_seconds;
    std::printf("%s -> %s (%.2f MB of wasm in %.2f s, %.2f MB/s; %zu bytes of code)\n",
                input.c_str(), written->path.c_str(), megabytes, seconds,
                seconds > 0 ? megabytes / seconds : 0.0, (*loaded)->code_size());
  }
  return 0;
}

}  // namespace

void RegisterCompileCommand(CLI::App& app) {
  auto options = std::make_shared<CompileOptions>();
  CLI::App* compile = app.add_subcommand(
      "compile", "Compile modules to native code ahead of time (LLVM tier)");
  compile->add_option("modules", options->inputs, "WebAssembly modules (.wasm)")
      ->required()
      ->check(CLI::ExistingFile);
  compile->add_option("-o,--output", options->output,
                      "Write the artifact here (one module) instead of into the cache");
  compile->add_flag("--sibling", options->sibling,
                    "Write x.swasm next to each x.wasm: `spindle up` and the shim load it "
                    "when it matches this CPU and engine");
  compile->add_option("--cache-dir", options->cache_dir,
                      "Cache to fill (default $SPINDLE_CACHE_DIR, else ~/.cache/spindle/native)");
  compile->add_option("-O,--opt-level", options->opt_level, "LLVM optimization level 0-3")
      ->check(CLI::Range(0, 3))
      ->capture_default_str();
  compile->add_option("-j,--threads", options->threads,
                      "Functions compiled in parallel (0: every core)")
      ->capture_default_str();
  compile->callback([options] { std::exit(Compile(*options)); });
}

}  // namespace spindle::cli
