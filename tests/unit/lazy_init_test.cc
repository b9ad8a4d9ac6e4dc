// Lazy table and function initialisation (issue 7): which tables the
// element plan defers, that instantiating makes no Function object and
// fills no deferred table, and that the first use makes exactly what eager
// filling would have. The semantics of every table instruction over a lazy
// table are pinned on both tiers by tests/wast/lazy_tables.wast.
#include <gtest/gtest.h>

#include "tests/unit/test_util.h"

namespace spindle {
namespace {

using testing::CallExport;
using testing::LoadFixture;

// Table indices in lazy_tables.wat: the import comes first.
constexpr uint32_t kImported = 0, kLazy = 1, kEvaluated = 2, kEmpty = 3, kRefs = 4;

class LazyInitTest : public ::testing::Test {
 protected:
  LazyInitTest() : store_(engine_), linker_(engine_) {}

  void SetUp() override {
    module_ = LoadFixture(engine_, "lazy_tables");
    ASSERT_TRUE(module_);
    auto imported = store_.CreateTable(TableType{ValType::kFuncRef, {2, 0, false}}, 0);
    ASSERT_TRUE(imported.ok());
    imported_ = *imported;
    Global* offset = store_.CreateGlobal(GlobalType{ValType::kI32, false}, 2);
    ASSERT_TRUE(linker_.Define("env", "imported", Extern::Of(imported_)).ok());
    ASSERT_TRUE(linker_.Define("env", "offset", Extern::Of(offset)).ok());
    auto instance = linker_.Instantiate(store_, module_);
    ASSERT_TRUE(instance.ok()) << instance.error().ToString();
    instance_ = *instance;
  }

  Engine engine_;
  Store store_;
  Linker linker_;
  std::shared_ptr<CompiledModule> module_;
  Table* imported_ = nullptr;
  Instance* instance_ = nullptr;
};

TEST_F(LazyInitTest, OnlyDefinedFuncrefTablesWithConstantSegmentsAreDeferred) {
  const ElemPlan& plan = module_->elem_plan();
  EXPECT_FALSE(plan.is_lazy(kImported));   // shared with its owner
  EXPECT_TRUE(plan.is_lazy(kLazy));
  EXPECT_FALSE(plan.is_lazy(kEvaluated));  // its offset depends on the instance
  EXPECT_FALSE(plan.is_lazy(kEmpty));      // nothing to defer
  EXPECT_FALSE(plan.is_lazy(kRefs));
  // Up to the last planned slot, function indices counting the import-free
  // function space ($f = 0, $g = 1).
  const auto contents = plan.lazy_contents(kLazy);
  ASSERT_EQ(contents.size(), 3u);
  EXPECT_EQ(contents[0], ElemPlan::kNullFunction);
  EXPECT_EQ(contents[1], 0u);
  EXPECT_EQ(contents[2], 1u);
}

TEST_F(LazyInitTest, InstantiationMakesOnlyWhatEagerSegmentsWrite) {
  // $g went into the evaluated table and $f into the imported one; $h and
  // the lazy table's elements are not made.
  EXPECT_EQ(instance_->num_made_functions(), 2u);
  Table* lazy = instance_->table(kLazy);
  EXPECT_EQ(lazy->lazy_length(), 3u);
  for (uint32_t i = 0; i < lazy->size(); ++i) EXPECT_EQ(lazy->raw_elements()[i], 0u) << i;
  EXPECT_NE(instance_->table(kEvaluated)->raw_elements()[2], 0u);
  EXPECT_NE(imported_->raw_elements()[0], 0u);
}

TEST_F(LazyInitTest, TheFirstReadResolvesTheSameFunctionAnExportGives) {
  Table* lazy = instance_->table(kLazy);
  EXPECT_EQ(lazy->Get(0), 0u);  // a planned null stays null
  const uint64_t f = lazy->Get(1);
  EXPECT_EQ(f, reinterpret_cast<uint64_t>(instance_->GetFunction("f")));
  EXPECT_EQ(f, imported_->Get(0));  // one Function per defined function
  EXPECT_EQ(lazy->raw_elements()[1], f);
  auto result = Call(store_, reinterpret_cast<Function*>(f), {});
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ((*result)[0].i32(), 7);
  // call_indirect through a slot not read yet.
  auto called = CallExport(store_, instance_, "call_lazy", {Value::I32(2)});
  ASSERT_TRUE(called.ok()) << called.error().ToString();
  EXPECT_EQ((*called)[0].i32(), 8);
  EXPECT_EQ(lazy->Get(2), instance_->table(kEvaluated)->Get(2));
  // $f and $g once each, and the export call_lazy that CallExport looked up.
  EXPECT_EQ(instance_->num_made_functions(), 3u);
}

TEST_F(LazyInitTest, AWriteResolvesTheWholeTableFirst) {
  Table* lazy = instance_->table(kLazy);
  lazy->Set(1, 0);
  EXPECT_EQ(lazy->lazy_length(), 0u);
  EXPECT_EQ(lazy->Get(1), 0u);  // not resolved back to $f
  EXPECT_EQ(lazy->Get(2), instance_->table(kEvaluated)->Get(2));
}

TEST_F(LazyInitTest, FunctionsAreMadeOnFirstUseAndKeptAfter) {
  const uint32_t before = instance_->num_made_functions();
  Function* h = instance_->function(2);  // $h: nothing refers to it yet
  EXPECT_EQ(instance_->num_made_functions(), before + 1);
  EXPECT_EQ(instance_->function(2), h);
  EXPECT_EQ(h->instance, instance_);
  EXPECT_EQ(h->type, module_->canonical_type(0));
  auto result = Call(store_, h, {});
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ((*result)[0].i32(), 9);
}

}  // namespace
}  // namespace spindle
