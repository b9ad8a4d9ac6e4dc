#include "tests/unit/test_util.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace spindle::testing {

std::string FixturePath(const std::string& name) {
  return std::string(SPINDLE_FIXTURE_DIR) + "/" + name + ".wasm";
}

std::shared_ptr<CompiledModule> LoadFixture(Engine& engine, const std::string& name) {
  auto module = CompiledModule::CompileFile(engine, FixturePath(name));
  EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().ToString());
  return module.ok() ? *module : nullptr;
}

std::vector<uint8_t> ModuleBytes(std::initializer_list<uint8_t> sections) {
  static constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  std::vector<uint8_t> bytes;
  bytes.reserve(sizeof kHeader + sections.size());
  for (uint8_t byte : kHeader) bytes.push_back(byte);
  for (uint8_t byte : sections) bytes.push_back(byte);
  return bytes;
}

Status LinkReenter(Linker& linker, Instance* const* instance, int* deepest) {
  return linker.Func("host", "reenter", [instance, deepest](Caller& caller, int32_t depth) {
    *deepest = std::max(*deepest, depth);
    auto result = CallExport(caller.store(), *instance, "down", {Value::I32(depth)});
    if (!result.ok()) {
      caller.Trap(static_cast<TrapKind>(result.error().trap_code), result.error().message);
      return int32_t{0};
    }
    return (*result)[0].i32();
  });
}

Result<std::vector<Value>> CallExport(Store& store, Instance* instance, const std::string& name,
                                      std::vector<Value> args) {
  Function* function = instance->GetFunction(name);
  if (!function) return MakeError(Phase::kUsage, "no export " + name);
  return Call(store, function, args);
}

}  // namespace spindle::testing
