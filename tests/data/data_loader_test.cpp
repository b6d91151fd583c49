#include "descent/data/data_loader.hpp"

#include <gtest/gtest.h>

#include <limits>

#include <algorithm>
#include <numeric>

#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::data {
namespace {

// n examples: input row i is (i, -i), target i, so a batch tells which rows it holds.
Dataset numbered(std::int64_t n) {
  std::vector<double> x;
  std::vector<std::int64_t> y;
  for (std::int64_t i = 0; i < n; ++i) {
    x.insert(x.end(), {double(i), -double(i)});
    y.push_back(i);
  }
  Dataset d;
  d.set_inputs(from_vector(x, Shape{n, 2}, Dtype::Float64));
  d.targets = from_vector(y, Shape{n});
  return d;
}

// One epoch's targets, batch by batch, checking that every input row matches its target.
std::vector<std::vector<std::int64_t>> epoch(DataLoader& loader) {
  std::vector<std::vector<std::int64_t>> batches;
  Batch batch;
  for (loader.start_epoch(); loader.next(batch);) {
    EXPECT_EQ(batch.inputs.size(0), batch.targets.size(0));
    std::vector<std::int64_t> ids;
    for (std::int64_t r = 0; r < batch.targets.size(0); ++r) {
      ids.push_back(static_cast<std::int64_t>(batch.targets.at(r)));
      EXPECT_EQ(batch.inputs.at(2 * r), double(ids.back()));
      EXPECT_EQ(batch.inputs.at(2 * r + 1), -double(ids.back()));
    }
    batches.push_back(ids);
  }
  return batches;
}

std::vector<std::int64_t> flatten(const std::vector<std::vector<std::int64_t>>& batches) {
  std::vector<std::int64_t> all;
  for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  return all;
}

std::vector<std::int64_t> sizes(const std::vector<std::vector<std::int64_t>>& batches) {
  std::vector<std::int64_t> out;
  for (const auto& b : batches) out.push_back(static_cast<std::int64_t>(b.size()));
  return out;
}

std::vector<std::int64_t> range(std::int64_t n) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), std::int64_t{0});
  return v;
}

TEST(DataLoaderTest, SequentialWithLastPartialBatch) {
  DataLoader loader(numbered(10), {.batch_size = 3});
  EXPECT_EQ(loader.num_batches(), 4);
  const auto batches = epoch(loader);
  EXPECT_EQ(sizes(batches), (std::vector<std::int64_t>{3, 3, 3, 1}));
  EXPECT_EQ(flatten(batches), range(10));
}

TEST(DataLoaderTest, ShuffleCoversEveryExampleOncePerEpoch) {
  DataLoader loader(numbered(10), {.batch_size = 3, .shuffle = true, .seed = 7});
  for (int e = 0; e < 3; ++e) {
    const auto batches = epoch(loader);
    EXPECT_EQ(sizes(batches), (std::vector<std::int64_t>{3, 3, 3, 1}));
    std::vector<std::int64_t> all = flatten(batches);
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, range(10)) << "epoch " << e;
  }
}

TEST(DataLoaderTest, DropLast) {
  DataLoader loader(numbered(10), {.batch_size = 3, .drop_last = true});
  EXPECT_EQ(loader.num_batches(), 3);
  EXPECT_EQ(sizes(epoch(loader)), (std::vector<std::int64_t>{3, 3, 3}));
}

TEST(DataLoaderTest, BatchLargerThanDataset) {
  DataLoader keep(numbered(5), {.batch_size = 8});
  EXPECT_EQ(keep.num_batches(), 1);
  EXPECT_EQ(sizes(epoch(keep)), (std::vector<std::int64_t>{5}));
  DataLoader drop(numbered(5), {.batch_size = 8, .drop_last = true});
  EXPECT_EQ(drop.num_batches(), 0);
  EXPECT_TRUE(epoch(drop).empty());
}

TEST(DataLoaderTest, BatchSizeNear2To63) {
  // (n + b - 1) / b overflowed for b = 2^63 - 1.
  const std::int64_t b = std::numeric_limits<std::int64_t>::max();
  DataLoader keep(numbered(5), {.batch_size = b});
  EXPECT_EQ(keep.num_batches(), 1);
  EXPECT_EQ(sizes(epoch(keep)), (std::vector<std::int64_t>{5}));
}

TEST(DataLoaderTest, EmptyDataset) {
  DataLoader loader(numbered(0), {.batch_size = 4, .shuffle = true});
  EXPECT_EQ(loader.num_batches(), 0);
  EXPECT_TRUE(epoch(loader).empty());
}

TEST(DataLoaderTest, FirstEpochStartsByItselfAndEndsUntilRestarted) {
  DataLoader loader(numbered(4), {.batch_size = 2});
  Batch batch;
  int count = 0;
  while (loader.next(batch)) ++count;
  EXPECT_EQ(count, 2);
  EXPECT_FALSE(loader.next(batch));
  loader.start_epoch();
  EXPECT_TRUE(loader.next(batch));
}

TEST(DataLoaderTest, SameSeedSameOrderDifferentSeedDifferentOrder) {
  DataLoader a(numbered(50), {.batch_size = 8, .shuffle = true, .seed = 1});
  DataLoader b(numbered(50), {.batch_size = 8, .shuffle = true, .seed = 1});
  DataLoader c(numbered(50), {.batch_size = 8, .shuffle = true, .seed = 2});
  const auto a1 = flatten(epoch(a)), a2 = flatten(epoch(a));
  EXPECT_EQ(a1, flatten(epoch(b)));
  EXPECT_EQ(a2, flatten(epoch(b)));
  EXPECT_NE(a1, a2) << "each epoch draws a new order";
  EXPECT_NE(a1, flatten(epoch(c)));
  EXPECT_NE(a1, range(50));
}

TEST(DataLoaderTest, GeneratorStateRepeatsTheNextOrder) {
  DataLoader a(numbered(20), {.batch_size = 4, .shuffle = true, .seed = 3});
  epoch(a);
  const std::string state = a.generator_state();
  const auto next = flatten(epoch(a));

  DataLoader resumed(numbered(20), {.batch_size = 4, .shuffle = true, .seed = 99});
  resumed.set_generator_state(state);
  EXPECT_EQ(flatten(epoch(resumed)), next);
  EXPECT_THROW(resumed.set_generator_state("not a state"), ValueError);
}

TEST(DataLoaderTest, ReusesBatchBuffers) {
  DataLoader loader(numbered(10), {.batch_size = 4, .shuffle = true});
  Batch batch;
  ASSERT_TRUE(loader.next(batch));
  const void* inputs = batch.inputs.raw_data();
  const void* targets = batch.targets.raw_data();
  const MemoryStats before = memory_stats();
  for (int e = 0; e < 3; ++e)
    for (loader.start_epoch(); loader.next(batch);) {
      EXPECT_EQ(batch.inputs.raw_data(), inputs);  // the last, partial batch too
      EXPECT_EQ(batch.targets.raw_data(), targets);
    }
  const MemoryStats after = memory_stats();
  EXPECT_EQ(after.system_allocations, before.system_allocations);
  EXPECT_EQ(after.pool_hits, before.pool_hits) << "no tensor buffer requested per batch";
}

TEST(DataLoaderTest, RejectsBadOptions) {
  for (const std::int64_t bad : {0, -2}) {
    try {
      DataLoader loader(numbered(4), {.batch_size = bad});
      ADD_FAILURE() << "batch_size " << bad << " accepted";
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find("batch_size = " + std::to_string(bad)), std::string::npos) << e.what();
    }
  }
  Dataset mismatched = numbered(4);
  mismatched.targets = from_vector(std::vector<std::int64_t>{0, 1, 2}, Shape{3});
  EXPECT_THROW(DataLoader(mismatched, {}), ShapeError);
}

}  // namespace
}  // namespace descent::data

namespace descent::data {
namespace {

// A data set read from bytes gathers its batches from the bytes: they must equal the float rows.
TEST(DataLoaderTest, BatchesFromPixelsEqualTheFloatInputs) {
  const std::int64_t n = 37, width = 37;  // two 16-lane vectors and a tail of 5
  std::vector<std::int64_t> labels(n, 0);
  Dataset d;
  d.pixels = Tensor::empty(Shape{n, width}, Dtype::UInt8);
  for (std::int64_t i = 0; i < n * width; ++i)
    d.pixels.data<std::uint8_t>()[i] = static_cast<std::uint8_t>((i * 37) % 256);
  d.pixel_scale = 1.0 / 255.0;
  d.set_inputs(Tensor::empty(Shape{n, width}, Dtype::Float32));
  for (std::int64_t i = 0; i < n * width; ++i)
    d.inputs().data<float>()[i] =
        static_cast<float>(d.pixels.data<std::uint8_t>()[i]) * static_cast<float>(d.pixel_scale);
  d.targets = from_vector(std::vector<std::int64_t>(labels), Shape{n});
  for (std::int64_t i = 0; i < n; ++i) d.targets.data<std::int64_t>()[i] = i;
  DataLoader loader(d, {.batch_size = 8, .shuffle = true, .seed = 3});
  Batch b;
  std::int64_t rows = 0;
  while (loader.next(b)) {
    ASSERT_EQ(b.inputs.dtype(), Dtype::Float32);
    for (std::int64_t r = 0; r < b.inputs.size(0); ++r, ++rows) {
      const std::int64_t i = b.targets.data<std::int64_t>()[r];
      for (std::int64_t j = 0; j < width; ++j) EXPECT_EQ(b.inputs.at(r * width + j), d.inputs().at(i * width + j));
    }
  }
  EXPECT_EQ(rows, n);
}

}  // namespace
}  // namespace descent::data

namespace descent::data {
namespace {

// input_rows (a data-parallel rank's shard): the rows it names hold what the whole batch holds there,
// in every batch, the short last one too; the targets are whole; the order is the same.
TEST(DataLoaderTest, InputRowsGatherTheirRowsAlone) {
  const auto second_half = [](std::int64_t n) { return std::pair<std::int64_t, std::int64_t>{n / 2, n - n / 2}; };
  for (const bool pixels : {false, true}) {
    SCOPED_TRACE(pixels ? "from bytes" : "from floats");
    const std::int64_t n = 23, width = 19;
    Dataset d;
    if (pixels) {
      d.pixels = Tensor::empty(Shape{n, width}, Dtype::UInt8);
      for (std::int64_t i = 0; i < n * width; ++i)
        d.pixels.data<std::uint8_t>()[i] = static_cast<std::uint8_t>((i * 37) % 256);
      d.pixel_scale = 1.0 / 255.0;
      d.set_inputs(Tensor::empty(Shape{n, width}, Dtype::Float32));  // as read: the gather converts bytes
    } else {
      std::vector<double> x;
      for (std::int64_t i = 0; i < n * width; ++i) x.push_back(double(i));
      d.set_inputs(from_vector(x, Shape{n, width}, Dtype::Float32));
    }
    std::vector<std::int64_t> y(static_cast<std::size_t>(n));
    std::iota(y.begin(), y.end(), std::int64_t{0});
    d.targets = from_vector(y, Shape{n});
    DataLoader whole(d, {.batch_size = 8, .shuffle = true, .seed = 5});
    DataLoader part(d, {.batch_size = 8, .shuffle = true, .seed = 5, .input_rows = second_half});
    Batch a, b;
    std::int64_t batches = 0;
    while (whole.next(a)) {
      ASSERT_TRUE(part.next(b));
      ++batches;
      const std::int64_t rows = a.inputs.size(0);
      ASSERT_EQ(b.inputs.shape(), a.inputs.shape());
      ASSERT_EQ(b.targets.shape(), a.targets.shape());
      for (std::int64_t r = 0; r < rows; ++r) EXPECT_EQ(b.targets.at(r), a.targets.at(r));
      for (std::int64_t r = rows / 2; r < rows; ++r)
        for (std::int64_t j = 0; j < width; ++j) EXPECT_EQ(b.inputs.at(r * width + j), a.inputs.at(r * width + j));
    }
    EXPECT_FALSE(part.next(b));
    EXPECT_EQ(batches, 3);  // 8, 8 and a short 7
  }
}

TEST(DataLoaderTest, InputRowsOutsideTheBatchAreAnError) {
  DataLoader loader(numbered(10), {.batch_size = 4, .input_rows = [](std::int64_t n) {
                                     return std::pair<std::int64_t, std::int64_t>{n - 1, 2};
                                   }});
  Batch batch;
  try {
    loader.next(batch);
    ADD_FAILURE() << "rows [3, 5) of a batch of 4 accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("rows [3, 5) of a batch of 4"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace descent::data
