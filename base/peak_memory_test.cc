#include "base/peak_memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace tearline {
namespace {

TEST(PeakMemory, GrowsWithMemoryTouched) {
  const uint64_t before_kib = peak_resident_kib();
  ASSERT_GT(before_kib, 0u);
  constexpr size_t kTouchedBytes = 64u << 20;
  auto block = std::make_unique<char[]>(kTouchedBytes);
  std::memset(block.get(), 1, kTouchedBytes);
  const uint64_t after_kib = peak_resident_kib();
  EXPECT_GE(after_kib, before_kib + (kTouchedBytes >> 10) * 9 / 10);
  // Read back, so the compiler cannot drop the block.
  EXPECT_EQ(block[kTouchedBytes - 1], 1);
}

}  // namespace
}  // namespace tearline
