// Data segments mapped copy-on-write from a sealed image, and pooled
// reservations reused with and without images: every instance must see
// exactly its own module's data over zeros, in every MemoryInit mode.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>

#include "engine/rt/memory_image.h"
#include "tests/unit/test_util.h"

namespace spindle {
namespace {

// ------------------------------------------------------ a tiny module writer

void Leb(std::vector<uint8_t>& out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    out.push_back(value ? byte | 0x80 : byte);
  } while (value);
}

void SignedLeb(std::vector<uint8_t>& out, int64_t value) {
  for (;;) {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    const bool done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
    out.push_back(done ? byte : byte | 0x80);
    if (done) return;
  }
}

void Name(std::vector<uint8_t>& out, const std::string& name) {
  Leb(out, name.size());
  out.insert(out.end(), name.begin(), name.end());
}

struct DataSpec {
  uint32_t address = 0;     // i32.const offset, or ignored with from_global
  bool from_global = false;  // offset = global.get of the imported global
  std::string bytes;
};

// A module with memory 0 (defined or imported as env.memory, exported as
// "memory") and active data segments. With `elem_trap`, it also imports a
// table env.table, defines `load0` (i32.load of address 0) and has two
// element segments: one that puts load0 into the imported table and one that
// is out of range, so instantiation traps after the first.
struct ModuleSpec {
  uint32_t pages = 1;
  bool import_memory = false;
  bool import_global = false;  // env.offset, an immutable i32
  bool elem_trap = false;
  std::vector<DataSpec> datas;
};

std::vector<uint8_t> Section(uint8_t id, const std::vector<uint8_t>& body) {
  std::vector<uint8_t> out{id};
  Leb(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::vector<uint8_t> BuildModule(const ModuleSpec& spec) {
  std::vector<uint8_t> module{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  auto append = [&module](const std::vector<uint8_t>& section) {
    module.insert(module.end(), section.begin(), section.end());
  };
  if (spec.elem_trap) append(Section(1, {0x01, 0x60, 0x00, 0x01, 0x7f}));  // () -> i32

  std::vector<uint8_t> imports;
  uint32_t import_count = 0;
  if (spec.import_memory) {
    Name(imports, "env");
    Name(imports, "memory");
    imports.insert(imports.end(), {0x02, 0x00});
    Leb(imports, spec.pages);
    ++import_count;
  }
  if (spec.import_global) {
    Name(imports, "env");
    Name(imports, "offset");
    imports.insert(imports.end(), {0x03, 0x7f, 0x00});
    ++import_count;
  }
  if (spec.elem_trap) {
    Name(imports, "env");
    Name(imports, "table");
    imports.insert(imports.end(), {0x01, 0x70, 0x00, 0x01});  // funcref, min 1
    ++import_count;
  }
  if (import_count) {
    std::vector<uint8_t> body;
    Leb(body, import_count);
    body.insert(body.end(), imports.begin(), imports.end());
    append(Section(2, body));
  }
  if (spec.elem_trap) append(Section(3, {0x01, 0x00}));
  if (!spec.import_memory) {
    std::vector<uint8_t> body{0x01, 0x00};
    Leb(body, spec.pages);
    append(Section(5, body));
  }
  {
    std::vector<uint8_t> body;
    Leb(body, spec.elem_trap ? 2 : 1);
    Name(body, "memory");
    body.insert(body.end(), {0x02, 0x00});
    if (spec.elem_trap) {
      Name(body, "load0");
      body.insert(body.end(), {0x00, 0x00});
    }
    append(Section(7, body));
  }
  if (spec.elem_trap) {
    // Table 0 (the import, 1 element): [0] = func 0, then 1 element at 1.
    append(Section(9, {0x02, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00,  //
                       0x00, 0x41, 0x01, 0x0b, 0x01, 0x00}));
    append(Section(10, {0x01, 0x07, 0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x0b}));
  }
  if (!spec.datas.empty()) {
    std::vector<uint8_t> body;
    Leb(body, spec.datas.size());
    for (const DataSpec& data : spec.datas) {
      body.push_back(0x00);
      if (data.from_global) {
        body.insert(body.end(), {0x23, 0x00});
      } else {
        body.push_back(0x41);
        SignedLeb(body, static_cast<int32_t>(data.address));
      }
      body.push_back(0x0b);
      Name(body, data.bytes);
    }
    append(Section(11, body));
  }
  return module;
}

// --------------------------------------------------------------- fixtures

std::string Pattern(char letter, size_t length) {
  std::string bytes(length, letter);
  for (size_t i = 0; i < length; i += 7) bytes[i] = static_cast<char>(letter + 1);
  return bytes;
}

// What a fresh memory of `spec` must hold: its segments, in order, over zeros.
std::vector<uint8_t> ExpectedContents(const ModuleSpec& spec, uint32_t global_offset = 0) {
  std::vector<uint8_t> memory(uint64_t(spec.pages) * kWasmPageSize, 0);
  for (const DataSpec& data : spec.datas) {
    const uint32_t address = data.from_global ? global_offset : data.address;
    std::memcpy(memory.data() + address, data.bytes.data(), data.bytes.size());
  }
  return memory;
}

// The index of the first byte where `memory` differs from `expected`, or -1.
int64_t FirstDifference(const Memory& memory, const std::vector<uint8_t>& expected) {
  if (memory.size_bytes() != expected.size()) return -2;
  auto data = memory.data();
  auto [differs, unused] = std::mismatch(data.begin(), data.end(), expected.begin());
  return differs == data.end() ? -1 : differs - data.begin();
}

// Two modules whose images overlap and differ, and one without data.
ModuleSpec ModuleA() {
  ModuleSpec spec;
  spec.pages = 3;
  spec.datas = {{1024, false, Pattern('a', 70000)}, {150000, false, Pattern('k', 100)}};
  return spec;
}
ModuleSpec ModuleB() {
  ModuleSpec spec;
  spec.pages = 2;
  spec.datas = {{4000, false, Pattern('p', 3000)}, {4100, false, "overwrites"}};
  return spec;
}
// Past MemoryPool::kClearInPlaceBytes: reset with MADV_DONTNEED.
ModuleSpec LargeModule() {
  ModuleSpec spec;
  spec.pages = 8;
  spec.datas = {{300000, false, Pattern('x', 9000)}, {20, false, Pattern('y', 100)}};
  return spec;
}
ModuleSpec NoData() {
  ModuleSpec spec;
  spec.pages = 3;
  return spec;
}

class MemoryImageTest : public ::testing::TestWithParam<MemoryInit> {
 protected:
  MemoryImageTest() : engine_(Config()), linker_(engine_) {}

  static EngineConfig Config() {
    EngineConfig config;
    config.memory_init = GetParam();
    config.pooled_memories = 1;  // every instance reuses the one reservation
    config.keep_resident_bytes = 64 << 10;  // also exercise the dropped tail
    return config;
  }

  std::shared_ptr<CompiledModule> Compile(const ModuleSpec& spec) {
    auto module = CompiledModule::CompileBytes(engine_, BuildModule(spec), "test");
    EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().ToString());
    return module.ok() ? *module : nullptr;
  }

  Memory* Instantiate(Store& store, const std::shared_ptr<CompiledModule>& module) {
    auto instance = linker_.Instantiate(store, module);
    EXPECT_TRUE(instance.ok()) << (instance.ok() ? "" : instance.error().ToString());
    return instance.ok() ? (*instance)->GetMemory("memory") : nullptr;
  }

  bool UsesImage() const { return GetParam() != MemoryInit::kCopySegments; }

  Engine engine_;
  Linker linker_;
};

TEST_P(MemoryImageTest, ImageContentsAreVisibleAfterInstantiation) {
  const ModuleSpec spec = ModuleA();
  auto module = Compile(spec);
  ASSERT_TRUE(module);
  EXPECT_EQ(module->memory_image() != nullptr, UsesImage());
  if (UsesImage()) {
    EXPECT_EQ(module->memory_image()->offset(), 0u);
    EXPECT_EQ(module->memory_image()->end(), RoundUpToHostPage(150100));
  }
  Store store(engine_);
  Memory* memory = Instantiate(store, module);
  ASSERT_TRUE(memory);
  EXPECT_EQ(FirstDifference(*memory, ExpectedContents(spec)), -1);
}

TEST_P(MemoryImageTest, LeadingZeroPagesAreLeftOutOfTheImage) {
  ModuleSpec spec;
  spec.pages = 2;
  spec.datas = {{70000, false, "late"}};
  auto module = Compile(spec);
  ASSERT_TRUE(module);
  if (UsesImage()) {
    EXPECT_EQ(module->memory_image()->offset(), RoundDownToHostPage(70000));
  }
  Store store(engine_);
  Memory* memory = Instantiate(store, module);
  ASSERT_TRUE(memory);
  EXPECT_EQ(FirstDifference(*memory, ExpectedContents(spec)), -1);
}

TEST_P(MemoryImageTest, WritesOfOneInstanceAreInvisibleToTheNext) {
  // Reset in place (small) and with MADV_DONTNEED (large).
  for (const ModuleSpec& spec : {ModuleA(), LargeModule()}) {
    auto module = Compile(spec);
    ASSERT_TRUE(module);
    uint8_t* base = nullptr;
    for (int round = 0; round < 3; ++round) {
      Store store(engine_);
      Memory* memory = Instantiate(store, module);
      ASSERT_TRUE(memory);
      if (base) {
        EXPECT_EQ(memory->base(), base) << "the pool should have reused the reservation";
      }
      base = memory->base();
      EXPECT_EQ(FirstDifference(*memory, ExpectedContents(spec)), -1) << "round " << round;
      // Inside the image, between its segments, and past it.
      std::memset(memory->base() + 1000, 0xEE, 5000);
      std::memset(memory->base() + 149000, 0xEE, 2000);
      if (memory->size_bytes() > 306000) std::memset(memory->base() + 305000, 0xEE, 1000);
      std::memset(memory->base() + memory->size_bytes() - 10, 0xEE, 10);
    }
  }
}

TEST_P(MemoryImageTest, ADifferentModuleSeesItsOwnDataAndZerosElsewhere) {
  auto a = Compile(ModuleA());
  auto b = Compile(ModuleB());
  auto none = Compile(NoData());
  ASSERT_TRUE(a && b && none);
  auto large = Compile(LargeModule());
  ASSERT_TRUE(large);
  // Every switch reuses the reservation another image held.
  for (const auto& [module, spec] :
       {std::pair{a, ModuleA()}, std::pair{b, ModuleB()}, std::pair{a, ModuleA()},
        std::pair{none, NoData()}, std::pair{a, ModuleA()}, std::pair{large, LargeModule()},
        std::pair{large, LargeModule()}, std::pair{b, ModuleB()},
        std::pair{large, LargeModule()}, std::pair{none, NoData()}}) {
    Store store(engine_);
    Memory* memory = Instantiate(store, module);
    ASSERT_TRUE(memory);
    EXPECT_EQ(FirstDifference(*memory, ExpectedContents(spec)), -1);
    std::memset(memory->base(), 0x5A, memory->size_bytes());  // dirty every page
  }
}

TEST_P(MemoryImageTest, MemoryGrowsPastTheImage) {
  const ModuleSpec spec = ModuleB();
  auto module = Compile(spec);
  ASSERT_TRUE(module);
  for (int round = 0; round < 2; ++round) {
    Store store(engine_);
    Memory* memory = Instantiate(store, module);
    ASSERT_TRUE(memory);
    ASSERT_EQ(memory->Grow(3), 2);
    std::vector<uint8_t> expected = ExpectedContents(spec);
    expected.resize(5 * kWasmPageSize, 0);
    EXPECT_EQ(FirstDifference(*memory, expected), -1) << "round " << round;
    std::memset(memory->base() + 4000, 0x77, memory->size_bytes() - 4000);
  }
}

TEST_P(MemoryImageTest, GlobalOffsetsAreCopiedPerInstance) {
  ModuleSpec spec;
  spec.pages = 1;
  spec.import_global = true;
  spec.datas = {{100, false, "constant"}, {0, true, "from the global"}};
  auto module = Compile(spec);
  ASSERT_TRUE(module);
  EXPECT_EQ(module->memory_image(), nullptr);
  for (uint32_t offset : {300u, 5000u}) {
    Store store(engine_);
    Linker linker(engine_);
    Global* global = store.CreateGlobal({ValType::kI32, false}, offset);
    ASSERT_TRUE(linker.Define("env", "offset", Extern::Of(global)).ok());
    auto instance = linker.Instantiate(store, module);
    ASSERT_TRUE(instance.ok()) << instance.error().ToString();
    EXPECT_EQ(FirstDifference(*(*instance)->GetMemory("memory"), ExpectedContents(spec, offset)),
              -1);
  }
}

TEST_P(MemoryImageTest, OutOfRangeSegmentsStillTrap) {
  ModuleSpec spec;
  spec.pages = 1;
  spec.datas = {{10, false, "fine"}, {65530, false, "too long"}};
  auto module = Compile(spec);
  ASSERT_TRUE(module);
  EXPECT_EQ(module->memory_image(), nullptr);
  Store store(engine_);
  auto instance = linker_.Instantiate(store, module);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().phase, Phase::kInstantiate);
  EXPECT_EQ(instance.error().trap_code, static_cast<int32_t>(TrapKind::kMemoryOutOfBounds));
}

TEST_P(MemoryImageTest, ImportedMemoriesGetTheSegmentsCopied) {
  ModuleSpec spec;
  spec.pages = 1;
  spec.import_memory = true;
  spec.datas = {{64, false, "into the import"}};
  auto module = Compile(spec);
  ASSERT_TRUE(module);
  EXPECT_EQ(module->memory_image(), nullptr);
  Store store(engine_);
  auto memory = store.CreateMemory(MemoryType{{1, 0, false}});
  ASSERT_TRUE(memory.ok());
  std::memset((*memory)->base() + 1000, 0x11, 4);  // the host's own bytes stay
  Linker linker(engine_);
  ASSERT_TRUE(linker.Define("env", "memory", Extern::Of(*memory)).ok());
  ASSERT_TRUE(linker.Instantiate(store, module).ok());
  std::vector<uint8_t> expected = ExpectedContents(spec);
  std::memset(expected.data() + 1000, 0x11, 4);
  EXPECT_EQ(FirstDifference(**memory, expected), -1);
}

// A failed element segment stops instantiation before any data segment, so a
// function that escaped into an imported table must see memory without them.
TEST_P(MemoryImageTest, AnElementTrapLeavesNoDataBehind) {
  ModuleSpec spec;
  spec.pages = 1;
  spec.elem_trap = true;
  spec.datas = {{0, false, "\x2a\x00\x00\x00"}};
  auto module = Compile(spec);
  ASSERT_TRUE(module);
  EXPECT_EQ(module->memory_image() != nullptr, UsesImage());
  Store store(engine_);
  auto table = store.CreateTable(TableType{ValType::kFuncRef, {1, 0, false}}, 0);
  ASSERT_TRUE(table.ok());
  Linker linker(engine_);
  ASSERT_TRUE(linker.Define("env", "table", Extern::Of(*table)).ok());
  auto instance = linker.Instantiate(store, module);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().trap_code, static_cast<int32_t>(TrapKind::kTableOutOfBounds));
  auto* load0 = reinterpret_cast<Function*>((*table)->Get(0));
  ASSERT_NE(load0, nullptr);
  auto result = Call(store, load0, {});
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ((*result)[0].i32(), 0);
}

// With reservations of two modules free, each module gets its own back: the
// one whose image is already in place.
TEST_P(MemoryImageTest, ThePoolPrefersTheReservationHoldingTheImage) {
  EngineConfig config = Config();
  config.pooled_memories = 2;
  Engine engine(config);
  Linker linker(engine);
  auto a = CompiledModule::CompileBytes(engine, BuildModule(ModuleA()), "a");
  auto b = CompiledModule::CompileBytes(engine, BuildModule(ModuleB()), "b");
  ASSERT_TRUE(a.ok() && b.ok());
  auto base_of = [](Result<Instance*>& instance) {
    EXPECT_TRUE(instance.ok());
    return instance.ok() ? (*instance)->GetMemory("memory")->base() : nullptr;
  };
  uint8_t* a_base = nullptr;
  uint8_t* b_base = nullptr;
  {
    Store store(engine);
    auto first = linker.Instantiate(store, *a);
    auto second = linker.Instantiate(store, *b);
    a_base = base_of(first);
    b_base = base_of(second);
  }
  for (int round = 0; round < 2; ++round) {
    Store store(engine);
    // b was released last; a must still find its own reservation.
    auto again_a = linker.Instantiate(store, *a);
    auto again_b = linker.Instantiate(store, *b);
    if (UsesImage()) {
      EXPECT_EQ(base_of(again_a), a_base);
      EXPECT_EQ(base_of(again_b), b_base);
    }
    EXPECT_EQ(FirstDifference(*(*again_a)->GetMemory("memory"), ExpectedContents(ModuleA())), -1);
    EXPECT_EQ(FirstDifference(*(*again_b)->GetMemory("memory"), ExpectedContents(ModuleB())), -1);
  }
}

// Threads share the pool (two reservations for three modules) and build the
// images concurrently on first use; each instance must still see only its
// own module's data.
TEST_P(MemoryImageTest, ThreadsSharingThePoolSeeTheirOwnData) {
  EngineConfig config = Config();
  config.pooled_memories = 2;
  Engine engine(config);
  const ModuleSpec specs[] = {ModuleA(), ModuleB(), LargeModule()};
  std::vector<std::shared_ptr<InstancePre>> pres;
  Linker linker(engine);
  for (const ModuleSpec& spec : specs) {
    auto module = CompiledModule::CompileBytes(engine, BuildModule(spec), "m");
    ASSERT_TRUE(module.ok());
    auto pre = linker.Prepare(*module);
    ASSERT_TRUE(pre.ok());
    pres.push_back(*pre);
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        const int which = (t + i) % 3;
        Store store(engine);
        auto instance = pres[which]->Instantiate(store);
        Memory* memory = instance.ok() ? (*instance)->GetMemory("memory") : nullptr;
        if (!memory || FirstDifference(*memory, ExpectedContents(specs[which])) != -1) ++wrong;
        if (memory) std::memset(memory->base(), 0x3C, memory->size_bytes());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(EveryMode, MemoryImageTest,
                         ::testing::Values(MemoryInit::kCopyOnWrite, MemoryInit::kKeepResident,
                                           MemoryInit::kCopySegments),
                         [](const auto& info) {
                           switch (info.param) {
                             case MemoryInit::kCopyOnWrite: return std::string("CopyOnWrite");
                             case MemoryInit::kKeepResident: return std::string("KeepResident");
                             case MemoryInit::kCopySegments: return std::string("CopySegments");
                           }
                           return std::string("Unknown");
                         });

TEST(MemoryImage, TheMemfdIsSealed) {
  const std::string bytes = "sealed contents";
  const ImageSegment segment{0, {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}};
  auto image = MemoryImage::Create({&segment, 1});
  ASSERT_TRUE(image.ok()) << image.error().ToString();
  ASSERT_TRUE(*image);
  const int fd = (*image)->fd();
  EXPECT_EQ(fcntl(fd, F_GET_SEALS),
            F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  EXPECT_EQ(pwrite(fd, "x", 1, 0), -1);
  EXPECT_EQ(errno, EPERM);
  EXPECT_NE(ftruncate(fd, 0), 0);
  EXPECT_NE(fcntl(fd, F_ADD_SEALS, 0), 0);
  EXPECT_NE(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_EQ(std::memcmp((*image)->contents().data(), bytes.data(), bytes.size()), 0);
}

TEST(MemoryImage, EmptySegmentsMakeNoImage) {
  const ImageSegment segment{100, {}};
  auto image = MemoryImage::Create({&segment, 1});
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(*image, nullptr);
}

}  // namespace
}  // namespace spindle
