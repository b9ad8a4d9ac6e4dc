// spindle-irdump MODULE [FUNCTION...]: prints the interpreter code the
// translator produces, for translator work and performance tuning.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/interp/disassembler.h"
#include "engine/interp/translator.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: spindle-irdump MODULE [FUNCTION-INDEX...]\n");
    return 2;
  }
  spindle::Engine engine;
  auto module = spindle::CompiledModule::CompileFile(engine, argv[1]);
  if (!module.ok()) {
    std::fprintf(stderr, "%s\n", module.error().ToString().c_str());
    return 1;
  }
  const spindle::Module& decoded = (*module)->module();
  const uint32_t imported = decoded.num_imported_functions;
  auto dump = [&](uint32_t index) {
    if (index < imported || index >= decoded.num_functions()) {
      std::fprintf(stderr, "no defined function %u\n", index);
      return;
    }
    auto code = spindle::interp::TranslateFunction(**module, index - imported);
    std::printf("func %u %s: frame %u slots, %zu bytes of code (%zu bytes of wasm)\n", index,
                (*module)->FunctionDisplayName(index).c_str(), code->frame_slots,
                code->code.size(), decoded.functions[index - imported].code.size());
    std::printf("%s\n", spindle::interp::Disassemble(*code, engine.config().bounds_checks).c_str());
  };
  if (argc == 2) {
    for (uint32_t i = imported; i < decoded.num_functions(); ++i) dump(i);
  } else {
    for (int i = 2; i < argc; ++i) dump(static_cast<uint32_t>(std::strtoul(argv[i], nullptr, 0)));
  }
  return 0;
}
