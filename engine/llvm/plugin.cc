// The C entry point of libspindle-llvm.so (plugin_api.h). Everything the
// runtime learns about a failed compile is the malloc()ed message.
#include "engine/llvm/plugin_api.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "engine/binary/decoder.h"
#include "engine/llvm/artifact_writer.h"
#include "engine/llvm/compiler.h"
#include "engine/valid/validator.h"

namespace spindle::aot {
namespace {

char* CopyMessage(const std::string& message) {
  char* copy = static_cast<char*>(std::malloc(message.size() + 1));
  if (copy) std::memcpy(copy, message.c_str(), message.size() + 1);
  return copy;
}

Result<std::vector<uint8_t>> Compile(const SpindleCompileRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  auto source = ByteSource::Copy({request.wasm, request.wasm_size});
  SPINDLE_ASSIGN_OR_RETURN(std::shared_ptr<Module> module, DecodeModule(source));
  SPINDLE_TRY(ValidateModule(*module));
  if (module->num_memories() > 1) {
    return MakeError(Phase::kValidate, "the LLVM tier supports at most one memory");
  }
  const uint32_t opt_level = std::min<uint32_t>(request.opt_level, 3);
  SPINDLE_ASSIGN_OR_RETURN(CompiledCode code,
                           CompileModule(*module, opt_level, request.threads));

  ArtifactContents contents;
  contents.key = request.key;
  contents.wasm_size = request.wasm_size;
  contents.opt_level = opt_level;
  contents.function_offsets = std::move(code.function_offsets);
  contents.entry_offsets = std::move(code.entry_offsets);
  contents.code = &code.blob;
  contents.compile_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return WriteArtifact(contents);
}

}  // namespace
}  // namespace spindle::aot

extern "C" __attribute__((visibility("default"))) int spindle_llvm_compile(
    const SpindleCompileRequest* request, SpindleCompileResult* result) {
  if (!result) return 1;
  *result = SpindleCompileResult{};
  if (!request || (!request->wasm && request->wasm_size != 0)) {
    result->error = spindle::aot::CopyMessage("spindle_llvm_compile: no module given");
    return 1;
  }
  try {
    auto artifact = spindle::aot::Compile(*request);
    if (!artifact.ok()) {
      result->error = spindle::aot::CopyMessage(artifact.error().ToString());
      return 1;
    }
    result->artifact = static_cast<uint8_t*>(std::malloc(std::max<size_t>(artifact->size(), 1)));
    if (!result->artifact) {
      result->error = spindle::aot::CopyMessage("out of memory");
      return 1;
    }
    std::memcpy(result->artifact, artifact->data(), artifact->size());
    result->artifact_size = artifact->size();
    return 0;
  } catch (const std::exception& exception) {
    result->error = spindle::aot::CopyMessage(std::string("LLVM tier: ") + exception.what());
    return 1;
  }
}
