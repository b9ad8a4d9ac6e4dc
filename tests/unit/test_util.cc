#include "tests/unit/test_util.h"

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

Result<std::vector<Value>> CallExport(Store& store, Instance* instance, const std::string& name,
                                      std::vector<Value> args) {
  Function* function = instance->GetFunction(name);
  if (!function) return MakeError(Phase::kUsage, "no export " + name);
  return Call(store, function, args);
}

}  // namespace spindle::testing
