// Per-store limits on memory and tables are enforced at instantiation and
// on growth.
#include <gtest/gtest.h>

#include "tests/unit/test_util.h"

namespace spindle {
namespace {

using testing::CallExport;

std::shared_ptr<CompiledModule> Compile(Engine& engine, std::initializer_list<uint8_t> sections) {
  auto module = CompiledModule::CompileBytes(engine, testing::ModuleBytes(sections));
  EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().ToString());
  return module.ok() ? *module : nullptr;
}

TEST(Limits, MemoryLargerThanTheStoreLimitFailsToInstantiate) {
  Engine engine;
  // (memory 10)
  auto module = Compile(engine, {0x05, 0x03, 0x01, 0x00, 0x0a});
  StoreLimits limits;
  limits.max_memory_pages = 4;
  Store store(engine, limits);
  Linker linker(engine);
  auto instance = linker.Instantiate(store, module);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().phase, Phase::kInstantiate);
  EXPECT_NE(instance.error().message.find("exceeds the limit"), std::string::npos);
}

TEST(Limits, MemoryGrowStopsAtTheStoreLimit) {
  Engine engine;
  StoreLimits limits;
  limits.max_memory_pages = 1;
  Store store(engine, limits);
  Linker linker(engine);
  auto module = testing::LoadFixture(engine, "traps");  // memory 1..2
  auto instance = linker.Instantiate(store, module);
  ASSERT_TRUE(instance.ok());
  auto grown = CallExport(store, *instance, "grow", {Value::I32(1)});
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ((*grown)[0].i32(), -1);
}

TEST(Limits, TableLargerThanTheStoreLimitFailsToInstantiate) {
  Engine engine;
  // (table 100 funcref)
  auto module = Compile(engine, {0x04, 0x04, 0x01, 0x70, 0x00, 0x64});
  StoreLimits limits;
  limits.max_table_elements = 10;
  Store store(engine, limits);
  Linker linker(engine);
  auto instance = linker.Instantiate(store, module);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().phase, Phase::kInstantiate);
}

TEST(Limits, TablesTogetherStayWithinTheStoreBudget) {
  Engine engine;
  // (table 100 funcref) (table 100 funcref)
  auto module = Compile(engine, {0x04, 0x07, 0x02, 0x70, 0x00, 0x64, 0x70, 0x00, 0x64});
  StoreLimits limits;
  limits.max_table_elements = 150;
  limits.max_total_table_elements = 150;
  Store store(engine, limits);
  Linker linker(engine);
  auto instance = linker.Instantiate(store, module);
  ASSERT_FALSE(instance.ok());
  EXPECT_NE(instance.error().message.find("remaining budget"), std::string::npos)
      << instance.error().message;
}

TEST(Limits, MemoriesOfAllInstancesShareTheStoreBudget) {
  Engine engine;
  auto module = testing::LoadFixture(engine, "traps");  // memory 1..2
  StoreLimits limits;
  limits.max_total_memory_pages = 2;
  Store store(engine, limits);
  Linker linker(engine);
  auto first = linker.Instantiate(store, module);
  ASSERT_TRUE(first.ok());
  auto second = linker.Instantiate(store, module);
  ASSERT_TRUE(second.ok());
  // Both budget pages are taken, so neither memory can grow.
  auto grown = CallExport(store, *first, "grow", {Value::I32(1)});
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ((*grown)[0].i32(), -1);
  EXPECT_FALSE(linker.Instantiate(store, module).ok());
}

TEST(Limits, InstanceCountIsLimited) {
  Engine engine;
  auto module = Compile(engine, {});
  StoreLimits limits;
  limits.max_instances = 3;
  Store store(engine, limits);
  Linker linker(engine);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(linker.Instantiate(store, module).ok());
  EXPECT_FALSE(linker.Instantiate(store, module).ok());
}

}  // namespace
}  // namespace spindle
