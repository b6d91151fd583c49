#include "descent/util/memory_limit.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "support/scoped_env.hpp"

namespace descent::util {
namespace {

using descent::testing::ScopedEnv;

TEST(MemoryLimit, ReadsSizesWithSuffixes) {
  EXPECT_EQ(parse_memory_size("4096"), 4096u);
  EXPECT_EQ(parse_memory_size("16G"), std::uint64_t{16} << 30);
  EXPECT_EQ(parse_memory_size("16GiB"), std::uint64_t{16} << 30);
  EXPECT_EQ(parse_memory_size("16 GB"), std::uint64_t{16} << 30);
  EXPECT_EQ(parse_memory_size("512m"), std::uint64_t{512} << 20);
  EXPECT_EQ(parse_memory_size("1.5K"), 1536u);
  EXPECT_EQ(parse_memory_size("2T"), std::uint64_t{2} << 40);
  EXPECT_EQ(parse_memory_size("100b"), 100u);
  for (const char* bad : {"", "G", "-1", "1e9", "16X", "nan", "inf", "99999999999T", "1,5G"})
    EXPECT_EQ(parse_memory_size(bad), std::nullopt) << bad;
}

TEST(MemoryLimit, IsTwoGibibytesUnlessTheEnvironmentSaysOtherwise) {
  {
    ScopedEnv unset("DESCENT_MAX_MEMORY", nullptr);
    EXPECT_EQ(max_memory(), std::uint64_t{2} << 30);
  }
  {
    ScopedEnv set("DESCENT_MAX_MEMORY", "8G");
    EXPECT_EQ(max_memory(), std::uint64_t{8} << 30);
  }
  for (const char* bad : {"lots", "0", "-5G"}) {
    ScopedEnv set("DESCENT_MAX_MEMORY", bad);
    try {
      max_memory();
      ADD_FAILURE() << bad;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("DESCENT_MAX_MEMORY = \"") + bad + "\": expected a size"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(MemoryLimit, WritesSizesForPeople) {
  EXPECT_EQ(memory_text(1), "1 byte");
  EXPECT_EQ(memory_text(512), "512 bytes");
  EXPECT_EQ(memory_text(std::uint64_t{2} << 30), "2 GiB");
  EXPECT_EQ(memory_text(1536), "1.5 KiB");
  EXPECT_EQ(memory_text(400'000'000'000), "372.5 GiB");  // 4e11 / 2^30 = 372.53
}

TEST(MemoryLimit, MultipliesShapesWithOverflowChecks) {
  const std::vector<std::int64_t> mnist = {60000, 28, 28};
  EXPECT_EQ(checked_bytes(mnist), 47'040'000u);
  EXPECT_EQ(checked_bytes(mnist, 4), 188'160'000u);
  EXPECT_EQ(checked_bytes({}), 1u);
  const std::vector<std::int64_t> wraps = {4294967296, 4294967296};  // 2^64: 0 in uint64 arithmetic
  EXPECT_EQ(checked_bytes(wraps), std::nullopt);
  const std::vector<std::int64_t> past_int64 = {std::numeric_limits<std::int64_t>::max(), 2};
  EXPECT_EQ(checked_bytes(past_int64), std::nullopt);
  const std::vector<std::int64_t> bytes_overflow = {std::int64_t{1} << 62};
  EXPECT_EQ(checked_bytes(bytes_overflow, 4), std::nullopt);
  const std::vector<std::int64_t> negative = {3, -1};
  EXPECT_EQ(checked_bytes(negative), std::nullopt);
  // Empty, but strides over the other dimensions would still overflow.
  const std::vector<std::int64_t> empty_but_huge = {4294967296, 4294967296, 0};
  EXPECT_EQ(checked_bytes(empty_but_huge), std::nullopt);
  const std::vector<std::int64_t> empty = {0, 1000};
  EXPECT_EQ(checked_bytes(empty, 8), 0u);
}

TEST(MemoryLimit, RefusesClaimsPastTheLimitNamingBothSizes) {
  ScopedEnv set("DESCENT_MAX_MEMORY", "1M");
  EXPECT_NO_THROW(check_memory("a tensor", std::uint64_t{1} << 20));
  try {
    check_memory("cfg.toml: model.layers[1]", std::uint64_t{3} << 20);
    FAIL() << "no error";
  } catch (const MemoryLimitError& e) {
    EXPECT_STREQ(e.what(),
                 "cfg.toml: model.layers[1] needs 3 MiB (3145728 bytes), more than the 1 MiB allowed (the "
                 "environment variable DESCENT_MAX_MEMORY raises the limit)");
    EXPECT_EQ(e.claimed(), 3u << 20);
    EXPECT_EQ(e.allowed(), 1u << 20);
  }
  EXPECT_THROW(check_memory("an overflow", std::nullopt), MemoryLimitError);
}

}  // namespace
}  // namespace descent::util
