// The translator's code: every function of every fixture decodes cleanly
// with the operand layouts of ir_ops.def, and the peephole rules produce the
// expected instructions for common shapes.
#include <gtest/gtest.h>

#include "engine/interp/disassembler.h"
#include "engine/interp/translator.h"
#include "tests/unit/test_util.h"

namespace spindle {
namespace {

std::string Translate(Engine& engine, const std::shared_ptr<CompiledModule>& module,
                      uint32_t defined_index) {
  auto code = interp::TranslateFunction(*module, defined_index);
  EXPECT_TRUE(code);
  return code ? interp::Disassemble(*code, engine.config().bounds_checks) : "";
}

TEST(Translator, EveryFixtureFunctionDisassembles) {
  Engine engine;
  for (const char* name : {"traps", "counter", "imports", "reactor", "exit"}) {
    auto module = testing::LoadFixture(engine, name);
    ASSERT_TRUE(module);
    for (uint32_t i = 0; i < module->module().functions.size(); ++i) {
      EXPECT_FALSE(Translate(engine, module, i).empty()) << name << " function " << i;
    }
  }
}

TEST(Translator, LocalArithmeticIsOneInstruction) {
  Engine engine;
  // (func (param i32 i32) (result i32) (local i32)
  //   local.get 0  local.get 1  i32.mul  local.set 2  local.get 2)
  auto module = CompiledModule::CompileBytes(
      engine, testing::ModuleBytes({0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
                                    0x03, 0x02, 0x01, 0x00,
                                    0x0a, 0x0f, 0x01, 0x0d, 0x01, 0x01, 0x7f,
                                    0x20, 0x00, 0x20, 0x01, 0x6c, 0x21, 0x02, 0x20, 0x02, 0x0b}));
  ASSERT_TRUE(module.ok()) << module.error().ToString();
  EXPECT_EQ(Translate(engine, *module, 0),
            "    0: I32MulSS d2 s0 s1\n"
            "   20: Return1 s2\n");
}

TEST(Translator, CompareAndBranchFuse) {
  Engine engine;
  // (func (param i32) (result i32)
  //   block  local.get 0  i32.const 10  i32.lt_s  br_if 0  end  i32.const 1)
  auto module = CompiledModule::CompileBytes(
      engine, testing::ModuleBytes({0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
                                    0x03, 0x02, 0x01, 0x00,
                                    0x0a, 0x10, 0x01, 0x0e, 0x00,
                                    0x02, 0x40, 0x20, 0x00, 0x41, 0x0a, 0x48, 0x0d, 0x00, 0x0b,
                                    0x41, 0x01, 0x0b}));
  ASSERT_TRUE(module.ok()) << module.error().ToString();
  const std::string code = Translate(engine, *module, 0);
  EXPECT_NE(code.find("BrI32LtSSI s0 #10"), std::string::npos) << code;
  EXPECT_EQ(code.find(": I32LtS"), std::string::npos) << code;
}

// Regression: scans for lazy locals once walked the whole operand stack on
// every local.set and block entry, so a body with a deep stack and many sets
// translated in quadratic time. They now stop at a fixed depth.
TEST(Translator, DeepOperandStacksTranslateInLinearTime) {
  constexpr int kDepth = 100000;
  std::vector<uint8_t> body = {0x00};  // no locals
  for (int i = 0; i < kDepth; ++i) body.insert(body.end(), {0x20, 0x00});              // local.get 0
  for (int i = 0; i < kDepth; ++i) body.insert(body.end(), {0x20, 0x01, 0x21, 0x00});  // local.set 0 = local 1
  for (int i = 0; i < kDepth; ++i) body.insert(body.end(), {0x02, 0x40, 0x0b});        // block end
  for (int i = 1; i < kDepth; ++i) body.push_back(0x6a);                               // i32.add
  body.push_back(0x0b);
  auto leb = [](std::vector<uint8_t>& out, uint32_t value) {
    do {
      uint8_t byte = value & 0x7f;
      value >>= 7;
      out.push_back(byte | (value ? 0x80 : 0));
    } while (value);
  };
  std::vector<uint8_t> code;
  code.push_back(0x01);
  leb(code, static_cast<uint32_t>(body.size()));
  code.insert(code.end(), body.begin(), body.end());
  std::vector<uint8_t> bytes = testing::ModuleBytes({0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f,
                                                    0x01, 0x7f, 0x03, 0x02, 0x01, 0x00,
                                                    0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00});
  bytes.push_back(0x0a);
  leb(bytes, static_cast<uint32_t>(code.size()));
  bytes.insert(bytes.end(), code.begin(), code.end());

  EngineConfig config;
  config.max_stack_slots = 1u << 22;
  Engine engine(config);
  auto module = CompiledModule::CompileBytes(engine, bytes);
  ASSERT_TRUE(module.ok()) << module.error().ToString();
  Store store(engine);
  Linker linker(engine);
  auto instance = linker.Instantiate(store, *module);
  ASSERT_TRUE(instance.ok());
  auto result = testing::CallExport(store, *instance, "f", {Value::I32(3), Value::I32(5)});
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ((*result)[0].i32(), 3 * kDepth);  // every pushed copy kept the old value
}

}  // namespace
}  // namespace spindle
