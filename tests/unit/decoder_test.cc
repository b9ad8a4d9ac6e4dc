// The decoder: structural errors carry the right phase, message and byte
// offset; hostile sizes never cause large allocations; custom and name
// sections are kept.
#include <gtest/gtest.h>

#include "engine/binary/decoder.h"
#include "engine/rt/compiled_module.h"
#include "tests/unit/test_util.h"

namespace spindle {
namespace {

using testing::ModuleBytes;

Error DecodeError(std::vector<uint8_t> bytes) {
  auto module = DecodeModule(ByteSource::Adopt(std::move(bytes)));
  EXPECT_FALSE(module.ok());
  return module.ok() ? Error{} : module.error();
}

TEST(Decoder, AcceptsTheEmptyModule) {
  auto module = DecodeModule(ByteSource::Adopt(ModuleBytes({})));
  ASSERT_TRUE(module.ok());
  EXPECT_EQ((*module)->num_functions(), 0u);
}

TEST(Decoder, RejectsABadMagicAtOffsetZero) {
  const Error error = DecodeError({0x00, 0x61, 0x73, 0x6e, 0x01, 0, 0, 0});
  EXPECT_EQ(error.phase, Phase::kDecode);
  EXPECT_EQ(error.message, "magic header not detected");
  EXPECT_EQ(error.offset, 0);
}

TEST(Decoder, RejectsAnUnknownVersionAtOffsetFour) {
  const Error error = DecodeError({0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0});
  EXPECT_EQ(error.message, "unknown binary version");
  EXPECT_EQ(error.offset, 4);
}

TEST(Decoder, ReportsTruncatedInput) {
  EXPECT_EQ(DecodeError({0x00, 0x61}).message, "unexpected end");
  EXPECT_EQ(DecodeError({}).message, "unexpected end");
}

TEST(Decoder, NamesTheOffsetOfAMalformedSectionId) {
  const Error error = DecodeError(ModuleBytes({0x0d, 0x00}));
  EXPECT_EQ(error.message, "malformed section id");
  EXPECT_EQ(error.offset, 8);
}

TEST(Decoder, RejectsOverlongAndTooLargeLebs) {
  // Memory section, one memory, no max, minimum encoded in six bytes.
  EXPECT_EQ(DecodeError(ModuleBytes({0x05, 0x08, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00}))
                .message,
            "integer representation too long");
  // Fifth byte sets bits beyond 32.
  EXPECT_EQ(DecodeError(ModuleBytes({0x05, 0x07, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70}))
                .message,
            "integer too large");
}

TEST(Decoder, RejectsHugeCountsWithoutAllocating) {
  // A type section that claims 2^32-1 types in four bytes.
  const Error error = DecodeError(ModuleBytes({0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_EQ(error.phase, Phase::kDecode);
  EXPECT_EQ(error.offset, 10);
}

TEST(Decoder, RejectsSectionsOutOfOrder) {
  // A function section (3) before a type section (1).
  const Error error = DecodeError(ModuleBytes({0x03, 0x01, 0x00, 0x01, 0x01, 0x00}));
  EXPECT_EQ(error.message, "unexpected content after last section");
  EXPECT_EQ(error.offset, 11);
}

TEST(Decoder, RejectsTooManyLocals) {
  // One function whose body declares 2^32-1 i32 locals plus 2 i64 locals.
  const Error error = DecodeError(ModuleBytes({
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                          // type () -> ()
      0x03, 0x02, 0x01, 0x00,                                      // one function
      0x0a, 0x0c, 0x01, 0x0a, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f,  // code: locals
      0x7f, 0x02, 0x7e, 0x0b,
  }));
  EXPECT_EQ(error.message, "too many locals");
}

TEST(Decoder, KeepsCustomSectionsAndReadsFunctionNames) {
  Engine engine;
  auto module = testing::LoadFixture(engine, "traps");
  ASSERT_TRUE(module);
  bool has_name_section = false;
  for (const CustomSection& section : module->module().custom_sections) {
    if (section.name == "name") has_name_section = true;
  }
  EXPECT_TRUE(has_name_section);
  EXPECT_EQ(module->FunctionDisplayName(0), "inner");
}

TEST(Decoder, ErrorsOfFilesNameTheFile) {
  Engine engine;
  auto module = CompiledModule::CompileFile(engine, "/nonexistent/app.wasm");
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.error().phase, Phase::kIo);
  EXPECT_NE(module.error().ToString().find("/nonexistent/app.wasm"), std::string::npos);
}

}  // namespace
}  // namespace spindle
