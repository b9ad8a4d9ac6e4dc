// A pooled reservation keeps its read-write pages between users, so reuse
// must hand out zeroed memory whose guard starts exactly at the new size.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/rt/memory.h"

namespace spindle {
namespace {

MemoryType Pages(uint32_t count) {
  MemoryType type;
  type.limits.min = count;
  return type;
}

std::unique_ptr<Memory> MakeMemory(MemoryPool& pool, uint32_t pages, Budget& budget) {
  auto memory = Memory::Create(pool, Pages(pages), 1024, budget);
  EXPECT_TRUE(memory.ok());
  return memory.ok() ? std::move(memory).value() : nullptr;
}

bool AllZero(const Memory& memory) {
  auto data = memory.data();
  return std::all_of(data.begin(), data.end(), [](uint8_t byte) { return byte == 0; });
}

void ReuseReadsZero(uint32_t first_pages, uint32_t second_pages) {
  MemoryPool pool(1);
  Budget budget(4096);
  uint8_t* base = nullptr;
  {
    auto first = MakeMemory(pool, first_pages, budget);
    base = first->base();
    std::fill(first->data().begin(), first->data().end(), 0xAB);
  }
  auto second = MakeMemory(pool, second_pages, budget);
  EXPECT_EQ(second->base(), base) << "the pool should have reused the reservation";
  EXPECT_TRUE(AllZero(*second));
  // Growing back over pages the first user dirtied must read zero too.
  ASSERT_EQ(second->Grow(first_pages), static_cast<int64_t>(second_pages));
  EXPECT_TRUE(AllZero(*second));
}

TEST(MemoryPool, SmallMemoryClearedInPlaceReadsZeroWhenReused) { ReuseReadsZero(2, 2); }

TEST(MemoryPool, LargeMemoryDroppedReadsZeroWhenReused) { ReuseReadsZero(16, 16); }

TEST(MemoryPool, ReuseAtSmallerSizeReadsZero) { ReuseReadsZero(3, 1); }

TEST(MemoryPool, ReuseAtSmallerSizeRestoresTheGuard) {
  MemoryPool pool(1);
  Budget budget(4096);
  { MakeMemory(pool, 4, budget); }
  auto memory = MakeMemory(pool, 1, budget);
  volatile uint8_t* past_end = memory->base() + kWasmPageSize;
  EXPECT_DEATH({ *past_end = 1; }, "");
}

TEST(MemoryPool, ReuseAtLargerSizeIsAccessible) {
  MemoryPool pool(1);
  Budget budget(4096);
  { MakeMemory(pool, 1, budget); }
  auto memory = MakeMemory(pool, 3, budget);
  memory->base()[3 * kWasmPageSize - 1] = 7;
  EXPECT_EQ(memory->base()[3 * kWasmPageSize - 1], 7);
}

}  // namespace
}  // namespace spindle
