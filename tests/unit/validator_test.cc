// The validator names the function, the byte offset and the rule.
#include <gtest/gtest.h>

#include "engine/rt/compiled_module.h"
#include "tests/unit/test_util.h"

namespace spindle {
namespace {

using testing::ModuleBytes;

Error CompileError(std::initializer_list<uint8_t> sections) {
  Engine engine;
  auto module = CompiledModule::CompileBytes(engine, ModuleBytes(sections));
  EXPECT_FALSE(module.ok());
  return module.ok() ? Error{} : module.error();
}

TEST(Validator, ReportsTypeMismatchWithFunctionAndOffset) {
  // func () -> (i32) { i64.const 0 }
  const Error error = CompileError({
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,  // type () -> (i32)
      0x03, 0x02, 0x01, 0x00,                    // function 0: type 0
      0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b,
  });
  EXPECT_EQ(error.phase, Phase::kValidate);
  EXPECT_EQ(error.message, "type mismatch");
  EXPECT_EQ(error.function_index, 0);
  EXPECT_EQ(error.offset, 0x1a);  // the final `end` finds an i64
  EXPECT_EQ(error.ToString(), "offset 0x1a: function 0: type mismatch");
}

TEST(Validator, ReportsUnknownLocal) {
  const Error error = CompileError({
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
      0x03, 0x02, 0x01, 0x00,
      0x0a, 0x07, 0x01, 0x05, 0x00, 0x20, 0x03, 0x1a, 0x0b,  // local.get 3; drop
  });
  EXPECT_EQ(error.message, "unknown local 3");
  EXPECT_EQ(error.offset, 0x17);
}

TEST(Validator, RejectsMultipleMemories) {
  EXPECT_EQ(CompileError({0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01}).message, "multiple memories");
}

TEST(Validator, RejectsMemoriesOverFourGiB) {
  EXPECT_EQ(CompileError({0x05, 0x05, 0x01, 0x00, 0x81, 0x80, 0x04}).message,
            "memory size must be at most 65536 pages (4GiB)");
}

TEST(Validator, MalformedCodeAfterATypingErrorIsReportedAsMalformed) {
  // Body 0 has a type error, body 1 an illegal opcode: malformed wins.
  const Error error = CompileError({
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
      0x03, 0x03, 0x02, 0x00, 0x00,
      0x0a, 0x0a, 0x02,
      0x04, 0x00, 0x41, 0x00, 0x0b,  // i32.const 0 left on the stack
      0x03, 0x00, 0xff, 0x0b,        // 0xff is not an opcode
  });
  EXPECT_EQ(error.phase, Phase::kDecode);
  EXPECT_EQ(error.message, "illegal opcode");
}

}  // namespace
}  // namespace spindle
