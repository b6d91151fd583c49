#include "descent/data/idx.hpp"

#include <gtest/gtest.h>

#include "data/idx_files.hpp"
#include "descent/error.hpp"
#include "descent/util/memory_limit.hpp"

namespace descent::data {
namespace {

using testing::Bytes;
using testing::expect_contains;
using testing::idx_bytes;
using testing::iota_bytes;
using testing::TempDir;

std::string read_error(const std::string& path) {
  return testing::error_message<IoError>([&] { read_idx(path); });
}

TEST(IdxTest, RoundTripRaw) {
  TempDir dir;
  const Bytes data = iota_bytes(2 * 3 * 4);
  testing::write_raw(dir.file("a.idx"), idx_bytes({2, 3, 4}, data));
  const IdxArray a = read_idx(dir.file("a.idx"));
  EXPECT_EQ(a.dims, (std::vector<std::int64_t>{2, 3, 4}));
  EXPECT_EQ(a.data, data);
}

TEST(IdxTest, RoundTripGzip) {
  TempDir dir;
  const Bytes data = iota_bytes(5000);
  testing::write_gz(dir.file("a.idx.gz"), idx_bytes({5000}, data));
  const IdxArray a = read_idx(dir.file("a.idx.gz"));
  EXPECT_EQ(a.dims, (std::vector<std::int64_t>{5000}));
  EXPECT_EQ(a.data, data);
}

TEST(IdxTest, EmptyDimensionHoldsNoData) {
  TempDir dir;
  testing::write_raw(dir.file("e.idx"), idx_bytes({0, 28}, {}));
  const IdxArray a = read_idx(dir.file("e.idx"));
  EXPECT_EQ(a.dims, (std::vector<std::int64_t>{0, 28}));
  EXPECT_TRUE(a.data.empty());
}

TEST(IdxTest, MissingFile) {
  TempDir dir;
  expect_contains(read_error(dir.file("absent.gz")), {dir.file("absent.gz"), "cannot open", "No such file"});
}

TEST(IdxTest, WrongMagic) {
  TempDir dir;
  testing::write_raw(dir.file("m.idx"), {0x12, 0x34, 0x08, 0x01, 0, 0, 0, 0});
  expect_contains(read_error(dir.file("m.idx")), {dir.file("m.idx"), "byte 0", "0x00000803", "got 0x12340801"});
}

TEST(IdxTest, CompressedTwiceIsNamed) {
  TempDir dir;
  testing::write_gz(dir.file("inner.gz"), idx_bytes({3}, {1, 2, 3}));
  testing::write_gz(dir.file("twice.gz"), testing::read_raw(dir.file("inner.gz")));
  expect_contains(read_error(dir.file("twice.gz")),
                  {dir.file("twice.gz"), "byte 0", "got 0x1f8b08", "compressed twice"});
}

TEST(IdxTest, UnsupportedType) {
  TempDir dir;
  testing::write_raw(dir.file("f.idx"), idx_bytes({1}, {0, 0, 0, 0}, 0x0D));
  expect_contains(read_error(dir.file("f.idx")),
                  {dir.file("f.idx"), "byte 2", "expected IDX data type 0x08", "got 0x0d (float)"});
}

TEST(IdxTest, NoDimensions) {
  TempDir dir;
  testing::write_raw(dir.file("z.idx"), idx_bytes({}, {}));
  expect_contains(read_error(dir.file("z.idx")), {dir.file("z.idx"), "byte 3", "expected at least 1 dimension, got 0"});
}

TEST(IdxTest, TruncatedMagic) {
  TempDir dir;
  testing::write_raw(dir.file("t.idx"), {0, 0});
  expect_contains(read_error(dir.file("t.idx")), {dir.file("t.idx"), "byte 2", "4-byte IDX magic", "found 2 bytes"});
}

TEST(IdxTest, TruncatedHeader) {
  TempDir dir;
  Bytes bytes = idx_bytes({60000, 28, 28}, {});
  bytes.resize(9);
  testing::write_raw(dir.file("t.idx"), bytes);
  expect_contains(read_error(dir.file("t.idx")), {dir.file("t.idx"), "byte 9", "expected 16 header bytes",
                                                  "3 dimension sizes", "found 9", "truncated"});
}

TEST(IdxTest, TruncatedDataRawAndGzip) {
  TempDir dir;
  const Bytes bytes = idx_bytes({2, 3}, {1, 2, 3, 4});  // header promises 6 bytes of data
  testing::write_raw(dir.file("t.idx"), bytes);
  testing::write_gz(dir.file("t.idx.gz"), bytes);
  for (const std::string name : {"t.idx", "t.idx.gz"})
    expect_contains(read_error(dir.file(name)), {dir.file(name), "byte 16", "expected 6 bytes of data",
                                                 "dimensions [2, 3] from byte 12", "found 4", "truncated"});
}

TEST(IdxTest, TruncatedGzipStream) {
  TempDir dir;
  testing::write_gz(dir.file("full.gz"), idx_bytes({100000}, iota_bytes(100000)));
  Bytes gz = testing::read_raw(dir.file("full.gz"));
  gz.resize(gz.size() / 2);
  testing::write_raw(dir.file("cut.gz"), gz);
  expect_contains(read_error(dir.file("cut.gz")),
                  {dir.file("cut.gz"), "expected 100000 bytes of data", "truncated", "gzip stream ends early"});
}

TEST(IdxTest, TrailingBytes) {
  TempDir dir;
  testing::write_raw(dir.file("x.idx"), idx_bytes({2, 3}, iota_bytes(9)));
  expect_contains(read_error(dir.file("x.idx")),
                  {dir.file("x.idx"), "byte 18", "expected end of file after 6 bytes of data", "found 3 more bytes"});
}

TEST(IdxTest, HugeDimensionsFailCleanly) {
  TempDir dir;
  // 2^32-1 x 2^32-1 items do not fit in 63 bits: refused before any allocation.
  testing::write_raw(dir.file("huge.idx"), idx_bytes({0xFFFFFFFF, 0xFFFFFFFF}, iota_bytes(10)));
  expect_contains(read_error(dir.file("huge.idx")),
                  {dir.file("huge.idx"), "byte 4", "63 bits", "[4294967295, 4294967295]"});
  // 2^20 x 2^20 x 2^20 = 2^60 bytes promised, 10 present: memory follows the data, so this is a
  // truncation message, not a bad_alloc.
  const Bytes big = idx_bytes({1u << 20, 1u << 20, 1u << 20}, iota_bytes(10));
  testing::write_raw(dir.file("big.idx"), big);
  testing::write_gz(dir.file("big.idx.gz"), big);
  for (const std::string name : {"big.idx", "big.idx.gz"})
    expect_contains(read_error(dir.file(name)),
                    {dir.file(name), "byte 26", "expected 1152921504606846976 bytes of data", "found 10", "truncated"});
}

TEST(IdxTest, DataPastTheMemoryLimitIsRefused) {
  TempDir dir;
  // 3 MiB promised and present, raw and gzip (which inflates from a few kilobytes): refused when the
  // data read reaches the limit, the message naming the claim.
  const Bytes big = idx_bytes({3, 1024, 1024}, Bytes(3 << 20, 7));
  testing::write_raw(dir.file("big.idx"), big);
  testing::write_gz(dir.file("big.idx.gz"), big);
  setenv("DESCENT_MAX_MEMORY", "1M", 1);
  for (const std::string name : {"big.idx", "big.idx.gz"}) {
    const std::string message = testing::error_message<MemoryLimitError>([&] { read_idx(dir.file(name)); });
    expect_contains(message, {dir.file(name), "dimensions [3, 1024, 1024] needs 3 MiB (3145728 bytes)",
                              "more than the 1 MiB allowed", "DESCENT_MAX_MEMORY"});
  }
  unsetenv("DESCENT_MAX_MEMORY");
  EXPECT_EQ(read_idx(dir.file("big.idx.gz")).data.size(), 3u << 20);
}

TEST(IdxTest, CorruptGzipStream) {
  TempDir dir;
  Bytes data(20000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>((i * i) % 13);
  testing::write_gz(dir.file("ok.gz"), idx_bytes({20000}, data));
  const Bytes gz = testing::read_raw(dir.file("ok.gz"));
  ASSERT_GT(gz.size(), 60u);

  Bytes garbled = gz;  // deflate data overwritten past the 10-byte gzip header
  for (std::size_t i = 12; i < 40; ++i) garbled[i] = 0xFF;
  testing::write_raw(dir.file("garbled.gz"), garbled);
  expect_contains(read_error(dir.file("garbled.gz")),
                  {dir.file("garbled.gz"), "byte 0 or later", "expected a valid gzip stream"});

  Bytes bad_crc = gz;  // the CRC-32 of the trailer, found only after the last data byte
  bad_crc[gz.size() - 8] ^= 0xFF;
  testing::write_raw(dir.file("crc.gz"), bad_crc);
  expect_contains(read_error(dir.file("crc.gz")),
                  {dir.file("crc.gz"), "expected a valid gzip stream", "incorrect data check"});
}

}  // namespace
}  // namespace descent::data
