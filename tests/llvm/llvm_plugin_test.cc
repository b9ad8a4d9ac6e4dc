// The LLVM tier through its plugin: artifacts have the layout of
// native_abi.h, and the code in them, run natively by the test harness,
// computes what the spec says, including every trap.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <limits>
#include <thread>

#include "engine/binary/decoder.h"
#include "tests/llvm/native_harness.h"

namespace spindle::testing {
namespace {

uint64_t F32(float value) { return std::bit_cast<uint32_t>(value); }
uint64_t F64(double value) { return std::bit_cast<uint64_t>(value); }
uint64_t I32(int32_t value) { return uint32_t(value); }
uint64_t I64(int64_t value) { return uint64_t(value); }

// Compiles a fixture and instantiates it; fails the test on any error.
class LlvmTier : public ::testing::Test {
 protected:
  std::unique_ptr<NativeInstance> Load(const std::string& fixture, uint32_t threads = 2,
                                       std::map<std::string, HostImport> imports = {}) {
    wasm_ = ReadFixture(fixture);
    EXPECT_FALSE(wasm_.empty()) << fixture;
    PluginOutput output = CompileWithPlugin(wasm_, threads);
    EXPECT_EQ(output.status, 0) << output.error;
    if (output.status != 0) return nullptr;
    artifact_ = std::move(output.artifact);
    return NativeInstance::Create(wasm_, artifact_, std::move(imports));
  }

  std::map<std::string, HostImport> OpsImports() {
    return {
        {"host_add",
         [](uint64_t* slots) {
           slots[0] = uint32_t(uint32_t(slots[0]) + uint32_t(slots[1]));
           return TrapKind::kNone;
         }},
        {"host_pair",
         [](uint64_t* slots) {
           slots[0] = F64(std::bit_cast<double>(slots[0]) * 2);
           slots[1] = 7;
           return TrapKind::kNone;
         }},
    };
  }

  std::vector<uint8_t> wasm_;
  std::vector<uint8_t> artifact_;
};

TEST_F(LlvmTier, ArtifactHasTheDocumentedLayout) {
  const std::vector<uint8_t> wasm = ReadFixture("llvm_ops");
  PluginOutput output = CompileWithPlugin(wasm, 2);
  ASSERT_EQ(output.status, 0) << output.error;
  const std::vector<uint8_t>& artifact = output.artifact;
  ASSERT_GE(artifact.size(), sizeof(native::ArtifactHeader));
  const native::ArtifactHeader& header = HeaderOf(artifact);
  EXPECT_EQ(std::memcmp(header.magic, native::kArtifactMagic, 8), 0);
  EXPECT_EQ(header.format_version, native::kArtifactFormatVersion);
  EXPECT_EQ(header.abi_version, native::kAbiVersion);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(header.key[i], uint8_t(i * 7));
  EXPECT_EQ(header.wasm_size, wasm.size());
  auto module = DecodeModule(ByteSource::Copy(wasm));
  ASSERT_TRUE(module.ok());
  EXPECT_EQ(header.num_functions, (*module)->functions.size());  // imports excluded
  EXPECT_EQ(header.num_types, (*module)->types.size());
  EXPECT_EQ(header.function_table_offset, sizeof(native::ArtifactHeader));
  EXPECT_EQ(header.entry_table_offset, header.function_table_offset + 8 * header.num_functions);
  EXPECT_EQ(header.code_offset % 4096, 0u);
  EXPECT_GE(header.code_offset, header.entry_table_offset + 8 * header.num_types);
  EXPECT_EQ(artifact.size(), header.code_offset + header.code_size);
  EXPECT_EQ(header.opt_level, 2u);
  EXPECT_GT(header.compile_seconds, 0.0);

  const auto* functions =
      reinterpret_cast<const uint64_t*>(artifact.data() + header.function_table_offset);
  const auto* entries =
      reinterpret_cast<const uint64_t*>(artifact.data() + header.entry_table_offset);
  for (uint32_t i = 0; i < header.num_functions; ++i) EXPECT_LT(functions[i], header.code_size);
  for (uint32_t i = 0; i < header.num_types; ++i) EXPECT_LT(entries[i], header.code_size);
}

TEST_F(LlvmTier, RejectsBrokenModulesWithAMessage) {
  PluginOutput garbage = CompileWithPlugin({0x00, 0x61, 0x73, 0x6d, 0x02, 0x00});
  EXPECT_NE(garbage.status, 0);
  EXPECT_FALSE(garbage.error.empty());
  EXPECT_TRUE(garbage.artifact.empty());

  // (func (result i32) i64.const 0): well-formed, badly typed.
  PluginOutput invalid = CompileWithPlugin(
      {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
       0x03, 0x02, 0x01, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b});
  EXPECT_NE(invalid.status, 0);
  EXPECT_NE(invalid.error.find("type mismatch"), std::string::npos) << invalid.error;
}

TEST_F(LlvmTier, EmptyModuleCompiles) {
  PluginOutput output = CompileWithPlugin({0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
  ASSERT_EQ(output.status, 0) << output.error;
  EXPECT_EQ(HeaderOf(output.artifact).num_functions, 0u);
  EXPECT_EQ(HeaderOf(output.artifact).num_types, 0u);
  EXPECT_GT(HeaderOf(output.artifact).code_size, 0u);  // the loader maps at least a byte
}

struct NumericCase {
  const char* name;
  std::vector<uint64_t> args;
  uint64_t expected;
};

TEST_F(LlvmTier, NumericInstructionsHaveWasmSemantics) {
  auto instance = Load("llvm_numeric");
  ASSERT_TRUE(instance);
  const float nan32 = std::numeric_limits<float>::quiet_NaN();
  const double nan64 = std::numeric_limits<double>::quiet_NaN();
  const std::vector<NumericCase> cases = {
      {"i32.add", {0xffffffff, 1}, 0},
      {"i64.mul", {I64(-3), 7}, I64(-21)},
      {"i32.clz", {0}, 32},
      {"i32.ctz", {0}, 32},
      {"i64.clz", {0}, 64},
      {"i64.ctz", {0x100}, 8},
      {"i32.popcnt", {0xff00ff}, 16},
      {"i32.shl", {1, 33}, 2},
      {"i32.shr_s", {0x80000000, 31}, 0xffffffff},
      {"i32.shr_u", {0x80000000, 63}, 1},
      {"i64.shl", {1, 65}, 2},
      {"i64.shr_s", {I64(-8), 1}, I64(-4)},
      {"i32.rotl", {0x80000001, 1}, 3},
      {"i32.rotr", {1, 1}, 0x80000000},
      {"i64.rotl", {0x8000000000000000, 65}, 1},
      {"i64.rotr", {1, 64}, 1},
      {"i32.div_s", {I32(-7), 2}, I32(-3)},
      {"i32.rem_s", {I32(-7), 2}, I32(-1)},
      {"i32.div_u", {0xfffffff9, 2}, 0x7ffffffc},
      {"i32.rem_u", {7, 4}, 3},
      {"i32.rem_s", {0x80000000, 0xffffffff}, 0},
      {"i64.rem_s", {0x8000000000000000, I64(-1)}, 0},
      {"i64.div_u", {I64(-1), 2}, 0x7fffffffffffffff},
      {"i32.eqz", {0}, 1},
      {"i64.eqz", {5}, 0},
      {"i32.lt_s", {0xffffffff, 0}, 1},
      {"i32.lt_u", {0xffffffff, 0}, 0},
      {"i64.ge_u", {I64(-1), 1}, 1},
      {"f64.eq", {F64(nan64), F64(nan64)}, 0},
      {"f64.ne", {F64(nan64), F64(nan64)}, 1},
      {"f32.lt", {F32(nan32), F32(1)}, 0},
      {"f32.ge", {F32(2), F32(2)}, 1},
      {"f32.min", {F32(-0.0f), F32(0.0f)}, F32(-0.0f)},
      {"f32.max", {F32(-0.0f), F32(0.0f)}, F32(0.0f)},
      {"f64.min", {F64(-1), F64(2)}, F64(-1)},
      {"f32.copysign", {F32(1), F32(-0.0f)}, F32(-1)},
      {"f64.copysign", {F64(-2), F64(3)}, F64(2)},
      {"f32.abs", {F32(-0.0f)}, F32(0.0f)},
      {"f64.neg", {F64(1.5)}, F64(-1.5)},
      {"f64.nearest", {F64(2.5)}, F64(2)},
      {"f64.nearest", {F64(-3.5)}, F64(-4)},
      {"f32.nearest", {F32(0.5f)}, F32(0)},
      {"f32.ceil", {F32(1.25f)}, F32(2)},
      {"f64.floor", {F64(-1.25)}, F64(-2)},
      {"f64.trunc", {F64(-1.75)}, F64(-1)},
      {"f64.sqrt", {F64(6.25)}, F64(2.5)},
      {"f32.div", {F32(1), F32(0)}, F32(INFINITY)},
      {"i32.wrap_i64", {0x100000005}, 5},
      {"i64.extend_i32_s", {0xffffffff}, I64(-1)},
      {"i64.extend_i32_u", {0xffffffff}, 0xffffffff},
      {"i32.extend8_s", {0x80}, 0xffffff80},
      {"i32.extend16_s", {0x7fff}, 0x7fff},
      {"i64.extend32_s", {0x80000000}, 0xffffffff80000000},
      {"i32.trunc_f64_s", {F64(-2147483648.9)}, 0x80000000},
      {"i32.trunc_f64_u", {F64(-0.9)}, 0},
      {"i32.trunc_f32_u", {F32(4294967040.0f)}, 4294967040u},
      {"i64.trunc_f64_s", {F64(-9223372036854775808.0)}, 0x8000000000000000},
      {"i64.trunc_f64_u", {F64(18446744073709549568.0)}, 18446744073709549568ull},
      {"i32.trunc_sat_f32_s", {F32(nan32)}, 0},
      {"i32.trunc_sat_f32_s", {F32(3e9f)}, 0x7fffffff},
      {"i32.trunc_sat_f64_u", {F64(-5)}, 0},
      {"i64.trunc_sat_f64_u", {F64(1e30)}, UINT64_MAX},
      {"i64.trunc_sat_f32_s", {F32(-1e30f)}, 0x8000000000000000},
      {"f32.convert_i64_u", {UINT64_MAX}, F32(18446744073709551616.0f)},
      {"f64.convert_i64_u", {0x8000000000000001}, F64(9223372036854775808.0)},
      {"f64.convert_i32_s", {0xffffffff}, F64(-1)},
      {"f32.convert_i32_u", {0xffffffff}, F32(4294967296.0f)},
      {"f32.demote_f64", {F64(1.5)}, F32(1.5f)},
      {"f64.promote_f32", {F32(-2.5f)}, F64(-2.5)},
      {"i32.reinterpret_f32", {F32(-0.0f)}, 0x80000000},
      {"f64.reinterpret_i64", {0x3ff0000000000000}, F64(1)},
  };
  for (const NumericCase& test : cases) {
    NativeInstance::Outcome outcome = instance->Call(test.name, test.args);
    ASSERT_EQ(outcome.trap, TrapKind::kNone) << test.name;
    ASSERT_EQ(outcome.results.size(), 1u) << test.name;
    EXPECT_EQ(outcome.results[0], test.expected) << test.name << " " << std::hex
                                                 << test.args[0];
  }
  // NaN in, NaN out (any payload).
  const uint64_t min_nan = instance->Call("f32.min", {F32(nan32), F32(1)}).results.at(0);
  EXPECT_TRUE(std::isnan(std::bit_cast<float>(uint32_t(min_nan))));
  // A signalling NaN operand comes out quiet (x86 minss would pass it on).
  for (const char* name : {"f32.min", "f32.max"}) {
    const uint64_t result = instance->Call(name, {0x7fa00000, F32(1)}).results.at(0);
    EXPECT_EQ(result & 0x7fc00000, 0x7fc00000u) << name << " " << std::hex << result;
  }
}

struct TrapCase {
  const char* name;
  std::vector<uint64_t> args;
  TrapKind trap;
};

TEST_F(LlvmTier, NumericTrapsAreExact) {
  auto instance = Load("llvm_numeric");
  ASSERT_TRUE(instance);
  const std::vector<TrapCase> cases = {
      {"i32.div_s", {1, 0}, TrapKind::kIntegerDivideByZero},
      {"i32.rem_u", {1, 0}, TrapKind::kIntegerDivideByZero},
      {"i64.div_u", {1, 0}, TrapKind::kIntegerDivideByZero},
      {"i32.div_s", {0x80000000, 0xffffffff}, TrapKind::kIntegerOverflow},
      {"i64.div_s", {0x8000000000000000, I64(-1)}, TrapKind::kIntegerOverflow},
      {"i32.trunc_f32_s", {F32(NAN)}, TrapKind::kInvalidConversion},
      {"i64.trunc_f64_u", {F64(NAN)}, TrapKind::kInvalidConversion},
      {"i32.trunc_f32_s", {F32(2147483648.0f)}, TrapKind::kIntegerOverflow},
      {"i32.trunc_f32_s", {F32(-2147483904.0f)}, TrapKind::kIntegerOverflow},
      {"i32.trunc_f64_s", {F64(-2147483649.0)}, TrapKind::kIntegerOverflow},
      {"i32.trunc_f64_s", {F64(2147483648.0)}, TrapKind::kIntegerOverflow},
      {"i32.trunc_f64_u", {F64(-1.0)}, TrapKind::kIntegerOverflow},
      {"i32.trunc_f64_u", {F64(4294967296.0)}, TrapKind::kIntegerOverflow},
      {"i64.trunc_f64_s", {F64(9223372036854775808.0)}, TrapKind::kIntegerOverflow},
      {"i64.trunc_f32_u", {F32(INFINITY)}, TrapKind::kIntegerOverflow},
      {"i64.trunc_f64_u", {F64(18446744073709551616.0)}, TrapKind::kIntegerOverflow},
  };
  for (const TrapCase& test : cases) {
    EXPECT_EQ(instance->Call(test.name, test.args).trap, test.trap) << test.name;
  }
}

TEST_F(LlvmTier, ControlFlow) {
  auto instance = Load("llvm_ops", 2, OpsImports());
  ASSERT_TRUE(instance);
  auto value = [&](const char* name, std::vector<uint64_t> args) {
    NativeInstance::Outcome outcome = instance->Call(name, std::move(args));
    EXPECT_EQ(outcome.trap, TrapKind::kNone) << name;
    return outcome.results.empty() ? ~0ull : outcome.results[0];
  };
  EXPECT_EQ(value("factorial", {10}), 3628800u);
  EXPECT_EQ(value("fib_recursive", {20}), 6765u);
  const uint64_t br_table_expected[] = {100, 101, 102, 103, 101, 999, 999};
  for (uint64_t i = 0; i < 6; ++i) EXPECT_EQ(value("br_table", {i}), br_table_expected[i]) << i;
  EXPECT_EQ(value("br_table", {0xffffffff}), 999u);
  EXPECT_EQ(value("br_table_value", {0}), 1017u);
  EXPECT_EQ(value("br_table_value", {1}), 1007u);
  EXPECT_EQ(value("br_table_value", {2}), 1017u);
  EXPECT_EQ(value("br_table_value", {99}), 1017u);
  EXPECT_EQ(value("if_no_else", {0}), 1u);
  EXPECT_EQ(value("if_no_else", {5}), 2u);
  EXPECT_EQ(value("dead_code", {1}), 1u);
  EXPECT_EQ(value("dead_code", {0}), 10u);
  EXPECT_EQ(value("block_params", {5}), 16u);
  EXPECT_EQ(value("select", {1, 10, 20}), 10u);
  EXPECT_EQ(value("select", {0, 10, 20}), 20u);
  EXPECT_EQ(value("select_typed", {1}), 0u);
  EXPECT_EQ(value("multi_value_caller", {3}), 9u);
  EXPECT_EQ(instance->Call("multi_value", {3}).results, (std::vector<uint64_t>{3, 6}));
  EXPECT_EQ(instance->Call("swap", {1, 2}).results, (std::vector<uint64_t>{2, 1}));
  EXPECT_EQ(value("globals", {}), 7u);
  EXPECT_EQ(value("globals", {}), 7u + 1 + 6 + 2);
}

TEST_F(LlvmTier, ControlTraps) {
  auto instance = Load("llvm_ops", 2, OpsImports());
  ASSERT_TRUE(instance);
  EXPECT_EQ(instance->Call("unreachable").trap, TrapKind::kUnreachable);
  EXPECT_EQ(instance->Call("recurse", {1}).trap, TrapKind::kCallStackExhausted);
  // A tail call to itself must not become a jump (or a loop).
  EXPECT_EQ(instance->Call("runaway").trap, TrapKind::kCallStackExhausted);
  instance->vmctx().epoch_deadline = 3;
  instance->epoch() = 3;
  EXPECT_EQ(instance->Call("spin").trap, TrapKind::kInterrupted);
  EXPECT_EQ(instance->Call("factorial", {3}).trap, TrapKind::kInterrupted);
  instance->vmctx().epoch_deadline = UINT64_MAX;
  EXPECT_EQ(instance->Call("factorial", {3}).results.at(0), 6u);
}

TEST_F(LlvmTier, Memory) {
  auto instance = Load("llvm_ops", 2, OpsImports());
  ASSERT_TRUE(instance);
  auto call = [&](const char* name, std::vector<uint64_t> args = {}) {
    return instance->Call(name, std::move(args));
  };
  EXPECT_EQ(call("load_data").results.at(0), 0x0807060504030201u);
  EXPECT_EQ(call("load8_s", {16}).results.at(0), 1u);
  instance->memory()[0] = 0xff;
  EXPECT_EQ(call("load8_s", {0}).results.at(0), 0xffffffffu);
  EXPECT_EQ(call("store_load", {100, 0x1122334455667788}).results.at(0), 0x5566aaccu);
  EXPECT_EQ(call("bulk_memory").results.at(0), 0xababac10u);
  EXPECT_EQ(call("bulk_memory").trap, TrapKind::kMemoryOutOfBounds);  // segment dropped
  EXPECT_EQ(call("fill_oob").trap, TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(call("load_at", {65536}).trap, TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(call("load_at", {65533}).trap, TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(call("load_far").trap, TrapKind::kMemoryOutOfBounds);
  // Out of bounds traps even when the value is dropped (spec address.wast).
  EXPECT_EQ(call("drop_load", {0}).trap, TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(call("memory_size").results.at(0), 1u);
  EXPECT_EQ(call("memory_grow", {1}).results.at(0), 1u);
  EXPECT_EQ(call("load_at", {65536}).results.at(0), 0u);
  EXPECT_EQ(call("memory_size").results.at(0), 2u);
  EXPECT_EQ(call("memory_grow", {10}).results.at(0), 0xffffffffu);
}

TEST_F(LlvmTier, TablesAndIndirectCalls) {
  auto instance = Load("llvm_ops", 2, OpsImports());
  ASSERT_TRUE(instance);
  auto call = [&](const char* name, std::vector<uint64_t> args = {}) {
    return instance->Call(name, std::move(args));
  };
  EXPECT_EQ(call("call_indirect", {0, 5}).results.at(0), 10u);
  EXPECT_EQ(call("call_indirect", {1, 5}).results.at(0), 15u);
  EXPECT_EQ(call("call_indirect", {2, 5}).trap, TrapKind::kUninitializedElement);
  EXPECT_EQ(call("call_indirect", {4, 5}).trap, TrapKind::kUndefinedElement);
  EXPECT_EQ(call("call_indirect", {0xffffffff, 5}).trap, TrapKind::kUndefinedElement);
  EXPECT_EQ(call("call_indirect_binary", {0}).trap, TrapKind::kIndirectCallTypeMismatch);
  EXPECT_EQ(call("ref_is_null", {0}).results.at(0), 0u);
  EXPECT_EQ(call("ref_is_null", {2}).results.at(0), 1u);
  EXPECT_EQ(call("table_get_oob").trap, TrapKind::kTableOutOfBounds);
  EXPECT_EQ(call("extern_roundtrip", {0x1234}).results.at(0), 0x1234u);
  EXPECT_EQ(call("table_ops").results.at(0), 56u);
  EXPECT_EQ(call("table_ops").trap, TrapKind::kTableOutOfBounds);  // segment dropped
}

TEST_F(LlvmTier, ImportedFunctionsGoThroughTheRuntime) {
  auto instance = Load("llvm_ops", 2, OpsImports());
  ASSERT_TRUE(instance);
  EXPECT_EQ(instance->Call("call_host", {2, 3}).results.at(0), 5u);
  EXPECT_EQ(instance->Call("call_host_pair", {F64(1.5)}).results.at(0), F64(10));
}

TEST_F(LlvmTier, CallsAcrossPartitions) {
  for (uint32_t threads : {1u, 3u, 8u}) {
    auto instance = Load("llvm_partitions", threads);
    ASSERT_TRUE(instance) << threads;
    EXPECT_EQ(instance->Call("chain", {1000}).results.at(0), 1000u + 47 * 48 / 2) << threads;
    for (uint64_t i = 0; i < 48; ++i) {
      EXPECT_EQ(instance->Call("indirect", {i, 5}).results.at(0), 5 + i * (i + 1) / 2) << i;
    }
  }
}

TEST_F(LlvmTier, IdiomLoopsStayLoops) {
  // A memset or memcpy call would have been an undefined symbol at link time.
  auto instance = Load("llvm_memset", 1);
  ASSERT_TRUE(instance);
  std::memset(instance->memory() + 100, 0x5a, 64);
  ASSERT_EQ(instance->Call("clear", {110, 20}).trap, TrapKind::kNone);
  EXPECT_EQ(instance->memory()[109], 0x5a);
  EXPECT_EQ(instance->memory()[110], 0);
  EXPECT_EQ(instance->memory()[129], 0);
  EXPECT_EQ(instance->memory()[130], 0x5a);
  ASSERT_EQ(instance->Call("fill_words", {1000, 10, 0x01020304}).trap, TrapKind::kNone);
  ASSERT_EQ(instance->Call("copy", {2000, 1000, 40}).trap, TrapKind::kNone);
  EXPECT_EQ(std::memcmp(instance->memory() + 1000, instance->memory() + 2000, 40), 0);
  EXPECT_EQ(instance->Call("sum", {2000, 40}).results.at(0), 10u * (1 + 2 + 3 + 4));
}

// The optimized IR of every defined function, by symbol, as dumped through
// SPINDLE_LLVM_DUMP_IR.
std::map<std::string, std::string> OptimizedFunctions(const std::vector<uint8_t>& wasm) {
  char dir_template[] = "/tmp/spindle-ir-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  EXPECT_NE(dir, nullptr);
  if (!dir) return {};
  setenv("SPINDLE_LLVM_DUMP_IR", dir, 1);
  PluginOutput output = CompileWithPlugin(wasm, 1);
  unsetenv("SPINDLE_LLVM_DUMP_IR");
  EXPECT_EQ(output.status, 0) << output.error;
  std::map<std::string, std::string> functions;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string ir = text.str();
    for (size_t at = ir.find("\ndefine "); at != std::string::npos;
         at = ir.find("\ndefine ", at + 1)) {
      const size_t name = ir.find('@', at);
      const size_t name_end = ir.find('(', name);
      const size_t end = ir.find("\n}\n", at);
      functions[ir.substr(name + 1, name_end - name - 1)] = ir.substr(at, end - at);
    }
  }
  std::filesystem::remove_all(dir);
  return functions;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

TEST_F(LlvmTier, BoundedInnerLoopsLoseTheirEpochCheckAndAreVersioned) {
  const std::vector<uint8_t> wasm = ReadFixture("llvm_loops");
  std::map<std::string, std::string> functions = OptimizedFunctions(wasm);
  ASSERT_EQ(functions.count("wasm_func_0"), 1u);
  ASSERT_EQ(functions.count("wasm_func_1"), 1u);
  const std::string& bounded = functions["wasm_func_0"];
  const std::string& unbounded = functions["wasm_func_1"];
  // Only the entry's check is left; the loop got its checked copy, and
  // that copy is vectorized.
  EXPECT_EQ(Count(bounded, "!spindle.epoch"), 1u) << bounded;
  EXPECT_NE(bounded.find("inttoptr"), std::string::npos) << bounded;
  EXPECT_NE(bounded.find("vector.body"), std::string::npos) << bounded;
  // A loop without a trip bound keeps its check.
  EXPECT_GE(Count(unbounded, "!spindle.epoch"), 2u) << unbounded;

  // And the code still computes c[j] += b[j] (the fallback copy, for sums
  // that wrap, is pinned by tests/wast/llvm_loop_versioning.wast).
  auto instance = Load("llvm_loops", 1);
  ASSERT_TRUE(instance);
  auto* words = reinterpret_cast<int64_t*>(instance->memory());
  for (int i = 0; i < 64; ++i) {
    words[1000 / 8 + i] = i;
    words[3000 / 8 + i] = 100 * i;
  }
  ASSERT_EQ(instance->Call("bounded", {1000, 3000}).trap, TrapKind::kNone);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(words[1000 / 8 + i], 101 * i) << i;
  ASSERT_EQ(instance->Call("unbounded", {1000, 3000, 512}).trap, TrapKind::kNone);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(words[1000 / 8 + i], 201 * i) << i;
}

TEST_F(LlvmTier, ConcurrentCompilesAreIndependent) {
  const std::vector<uint8_t> ops = ReadFixture("llvm_ops");
  const std::vector<uint8_t> numeric = ReadFixture("llvm_numeric");
  PluginOutput first, second;
  std::thread other([&] { first = CompileWithPlugin(ops, 2); });
  second = CompileWithPlugin(numeric, 2);
  other.join();
  EXPECT_EQ(first.status, 0) << first.error;
  EXPECT_EQ(second.status, 0) << second.error;
}

}  // namespace
}  // namespace spindle::testing
