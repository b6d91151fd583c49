// The arithmetic of data-parallel training that needs no second process: how a batch is split, how each
// shard's loss is weighted, which rows of an evaluation set each rank measures, the gradient buckets and
// the agreement of one process.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "descent/distributed/agreement.hpp"
#include "descent/distributed/batch_shard.hpp"
#include "descent/distributed/gradient_reducer.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/train/data_parallel.hpp"

namespace descent::distributed {
namespace {

TEST(ShardOf, SplitsIntoContiguousShardsThatCoverTheBatch) {
  for (std::int64_t total : {1, 2, 7, 10, 64, 65}) {
    for (int ranks : {1, 2, 3, 4}) {
      if (total < ranks) continue;
      std::int64_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const BatchShard s = shard_of(total, r, ranks);
        EXPECT_EQ(s.begin, next) << total << " over " << ranks;
        EXPECT_GE(s.size, total / ranks);
        EXPECT_LE(s.size, total / ranks + 1);
        EXPECT_EQ(s.total, total);
        next += s.size;
      }
      EXPECT_EQ(next, total);
    }
  }
  // the first total % ranks shards take the extra rows: 10 over 4 is 3, 3, 2, 2
  EXPECT_EQ(shard_of(10, 1, 4).begin, 3);
  EXPECT_EQ(shard_of(10, 2, 4).size, 2);
}

TEST(EvaluationRows, GivesEachRankWholeChunks) {
  // 10,000 test images in chunks of 1000 over 3 ranks: 4, 3 and 3 chunks
  EXPECT_EQ(train::evaluation_rows(10000, 1000, 0, 3).begin, 0);
  EXPECT_EQ(train::evaluation_rows(10000, 1000, 0, 3).end, 4000);
  EXPECT_EQ(train::evaluation_rows(10000, 1000, 1, 3).end, 7000);
  EXPECT_EQ(train::evaluation_rows(10000, 1000, 2, 3).end, 10000);
  // a set smaller than the ranks' chunks: the last ranks measure nothing
  EXPECT_EQ(train::evaluation_rows(500, 1000, 0, 2).end, 500);
  EXPECT_EQ(train::evaluation_rows(500, 1000, 1, 2).begin, 500);
  EXPECT_EQ(train::evaluation_rows(500, 1000, 1, 2).end, 500);
}

train::TrainConfig config_with_loss(std::string name, std::vector<std::pair<std::string, std::string>> options) {
  train::TrainConfig c;
  c.loss.name = std::move(name);
  c.loss.options = std::move(options);
  return c;
}

TEST(ShardLossWeight, WeighsAMeanByTheShardsPartOfItsDenominator) {
  const Tensor labels = from_vector(std::vector<std::int64_t>{0, 1, 1, 2, 0}, Shape{5});
  const BatchShard first = shard_of(5, 0, 2), second = shard_of(5, 1, 2);  // rows 0-2 and 3-4
  // mean over rows: 3/5 and 2/5
  EXPECT_DOUBLE_EQ(train::shard_loss_weight(config_with_loss("cross_entropy", {}), labels, first), 0.6);
  EXPECT_DOUBLE_EQ(train::shard_loss_weight(config_with_loss("mse", {}), labels, second), 0.4);
  // sum: the shards' sums add up as they are
  EXPECT_DOUBLE_EQ(train::shard_loss_weight(config_with_loss("cross_entropy", {{"reduction", "sum"}}), labels, first),
                   1.0);
  // PyTorch's weighted mean divides by sum_i w[y_i]: rows 0-2 hold 1 + 2 + 2 of 1 + 2 + 2 + 4 + 1 = 10
  const train::TrainConfig weighted = config_with_loss("cross_entropy", {{"weight", "1,2,4"}});
  EXPECT_DOUBLE_EQ(train::shard_loss_weight(weighted, labels, first), 0.5);
  EXPECT_DOUBLE_EQ(train::shard_loss_weight(weighted, labels, second), 0.5);
  // one process: the whole batch
  EXPECT_DOUBLE_EQ(train::shard_loss_weight(weighted, labels, shard_of(5, 0, 1)), 1.0);
}

TEST(CheckBatchesFitRanks, RefusesABatchSmallerThanTheRanks) {
  train::TrainConfig c;
  c.path = "run.toml";
  EXPECT_NO_THROW(train::check_batches_fit_ranks(c, 60000, 64, 2));  // last batch 32
  EXPECT_NO_THROW(train::check_batches_fit_ranks(c, 100, 10, 8));
  EXPECT_NO_THROW(train::check_batches_fit_ranks(c, 65, 64, 1));
  try {
    train::check_batches_fit_ranks(c, 65, 64, 2);  // a last batch of 1
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("run.toml: train.batch_size = 64"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("a batch of 1 example"), std::string::npos) << e.what();
  }
  EXPECT_THROW(train::check_batches_fit_ranks(c, 3, 64, 4), ConfigError);
}

// Two ranks that hold the same numbers: every sum doubles. Counts the collective calls.
class MirrorPair final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 2; }
  void all_reduce_sum(std::span<double> d) override {
    ++calls;
    for (double& x : d) x *= 2;
  }
  void all_reduce_sum(std::span<float> d) override {
    ++calls;
    for (float& x : d) x *= 2;
  }
  void all_reduce_max(std::span<std::int64_t>) override { ++calls; }
  void broadcast(std::span<std::byte>, int) override { ++calls; }
  void barrier() override {}
  [[noreturn]] void abort(int) override { throw Error("abort"); }
  int calls = 0;
};

TEST(GradientReducer, SumsEveryGradientInBucketsOfTheAskedSize) {
  std::vector<Tensor> parameters;
  for (std::int64_t n : {3, 5, 7, 2}) {
    Tensor p = zeros(Shape{n}, Dtype::Float64);
    p.requires_grad_();
    p.set_grad(full(Shape{n}, static_cast<double>(n), Dtype::Float64));
    parameters.push_back(p);
  }
  Tensor unused = zeros(Shape{4}, Dtype::Float64);
  unused.requires_grad_();
  parameters.push_back(unused);
  MirrorPair pair;
  // 8 doubles a bucket at most, filled from the last parameter: [unused 4, 2], [7], [5, 3]
  GradientReducer reducer(pair, parameters, 8 * 8);
  EXPECT_EQ(reducer.buckets(), 3);
  EXPECT_EQ(reducer.bytes(), (3 + 5 + 7 + 2 + 4) * 8);
  reducer.all_reduce();
  EXPECT_EQ(pair.calls, 3);  // one all-reduce a bucket
  for (std::size_t i = 0; i < 4; ++i) {
    const Tensor g = parameters[i].grad();
    for (std::int64_t k = 0; k < g.numel(); ++k) EXPECT_EQ(g.at(k), 2.0 * static_cast<double>(g.numel()));
  }
  EXPECT_FALSE(unused.grad().defined());  // no gradient on any rank: still none
}

// MirrorPair with exchange memory, as ranks on one machine have it: each all-reduce must lie inside it.
class SharingPair final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 2; }
  void* exchange_memory(std::size_t bytes) override {
    memory.assign(bytes / 8 + 1, 99.0);  // not zeros: the reducer clears what it takes
    return memory.data();
  }
  void release_exchange_memory(void* m) override { released = m; }
  void all_reduce_sum(std::span<double> d) override { sum(d); }
  void all_reduce_sum(std::span<float> d) override { sum(d); }
  void all_reduce_max(std::span<std::int64_t>) override {}
  void broadcast(std::span<std::byte>, int) override {}
  void barrier() override {}
  [[noreturn]] void abort(int) override { throw Error("abort"); }
  template <class T>
  void sum(std::span<T> d) {
    const auto* begin = reinterpret_cast<const std::byte*>(memory.data());
    const auto* p = reinterpret_cast<const std::byte*>(d.data());
    EXPECT_TRUE(p >= begin && p + d.size_bytes() <= begin + memory.size() * 8) << "outside exchange memory";
    spans.push_back({p - begin, d.size_bytes()});
    for (T& x : d) x *= 2;
  }
  std::vector<double> memory;
  std::vector<std::pair<std::ptrdiff_t, std::size_t>> spans;  // (offset, bytes) of each all-reduce
  void* released = nullptr;
};

// A reducer's end gives its exchange memory back for a later run, and the gradients that lay there keep
// their values in memory of their own: the next run's exchange must not change the last model's.
TEST(GradientReducer, GivesBackItsExchangeMemoryAndKeepsTheLastGradients) {
  Tensor a = zeros(Shape{3}, Dtype::Float64), b = zeros(Shape{2}, Dtype::Float64);
  a.requires_grad_();
  b.requires_grad_();
  SharingPair pair;
  Tensor own;
  {
    GradientReducer reducer(pair, {a, b});
    const Tensor place = reducer.gradient_buffer(a);
    fill_(place, 1.5);
    a.set_grad(place);
    own = full(Shape{2}, 4.0, Dtype::Float64);
    b.set_grad(own);
    reducer.all_reduce();
    EXPECT_EQ(pair.released, nullptr);
  }
  EXPECT_EQ(pair.released, static_cast<void*>(pair.memory.data()));
  const auto* begin = reinterpret_cast<const std::byte*>(pair.memory.data());
  const auto* at = static_cast<const std::byte*>(a.grad().raw_data());
  EXPECT_TRUE(at < begin || at >= begin + pair.memory.size() * 8) << "still in exchange memory";
  std::fill(pair.memory.begin(), pair.memory.end(), -1.0);  // a later run's use of it
  for (std::int64_t k = 0; k < 3; ++k) EXPECT_EQ(a.grad().at(k), 3.0);
  EXPECT_EQ(b.grad().raw_data(), own.raw_data());  // its own memory already: left as it is
  EXPECT_EQ(b.grad().at(1), 8.0);
}

TEST(GradientReducer, SumsInExchangeMemoryWhereAStepWroteItsGradients) {
  std::vector<Tensor> parameters;
  for (std::int64_t n : {3, 5, 7}) {
    Tensor p = zeros(Shape{n}, Dtype::Float64);
    p.requires_grad_();
    parameters.push_back(p);
  }
  Tensor single = zeros(Shape{2, 2}, Dtype::Float32);  // another dtype: a bucket and a sum of its own
  single.requires_grad_();
  parameters.push_back(single);
  SharingPair pair;
  // [single], [7], [5, 3]: float32, then the float64 buckets end to end, each at a 64-byte boundary.
  GradientReducer reducer(pair, parameters, 8 * 8);
  ASSERT_EQ(reducer.buckets(), 3);
  MirrorPair no_memory;
  EXPECT_FALSE(GradientReducer(no_memory, parameters, 64).gradient_buffer(parameters[0]).defined());
  EXPECT_FALSE(reducer.gradient_buffer(zeros(Shape{3}, Dtype::Float64)).defined());  // not a parameter

  const Tensor place0 = reducer.gradient_buffer(parameters[0]), place2 = reducer.gradient_buffer(parameters[2]);
  const Tensor place3 = reducer.gradient_buffer(single);
  ASSERT_TRUE(place0.defined() && place2.defined() && place3.defined());
  EXPECT_EQ(place3.shape(), single.shape());
  EXPECT_EQ(place3.dtype(), Dtype::Float32);
  const auto* base = reinterpret_cast<const std::byte*>(pair.memory.data());
  EXPECT_EQ(static_cast<const std::byte*>(place3.raw_data()) - base, 0);
  EXPECT_EQ(static_cast<const std::byte*>(place2.raw_data()) - base, 64);
  EXPECT_EQ(static_cast<const std::byte*>(place0.raw_data()) - base, 128 + 5 * 8);  // after [5] in its bucket

  // Parameter 0 and single's gradients already lie in their places (a captured step); 1 and 2 do not.
  fill_(place0, 3.0);
  parameters[0].set_grad(place0);
  fill_(place3, 0.25);
  single.set_grad(place3);
  parameters[1].set_grad(full(Shape{5}, 5.0, Dtype::Float64));
  parameters[2].set_grad(full(Shape{7}, 7.0, Dtype::Float64));
  const Tensor own1 = parameters[1].grad();
  reducer.all_reduce();
  // One sum for the float32 run, one for the float64 run across both of its buckets (padding included).
  ASSERT_EQ(pair.spans.size(), 2u);
  EXPECT_EQ(pair.spans[0], (std::pair<std::ptrdiff_t, std::size_t>{0, 64}));
  EXPECT_EQ(pair.spans[1], (std::pair<std::ptrdiff_t, std::size_t>{64, 128}));
  EXPECT_EQ(parameters[0].grad().raw_data(), place0.raw_data());  // summed where it lay
  EXPECT_EQ(parameters[1].grad().raw_data(), own1.raw_data());    // copied in and back out
  for (std::size_t i = 0; i < 3; ++i) {
    const Tensor g = parameters[i].grad();
    for (std::int64_t k = 0; k < g.numel(); ++k) EXPECT_EQ(g.at(k), 2.0 * static_cast<double>(g.numel())) << i;
  }
  for (std::int64_t k = 0; k < 4; ++k) EXPECT_EQ(single.grad().at(k), 0.5);

  // A parameter backward did not reach this time: its place holds the last update's sum, which must
  // count as zeros, and it keeps no gradient.
  parameters[1].set_grad(Tensor());
  reducer.all_reduce();
  EXPECT_FALSE(parameters[1].grad().defined());
  const double* stale = pair.memory.data() + 16;  // parameter 1: the first of bucket [5, 3], at byte 128
  for (int k = 0; k < 5; ++k) EXPECT_EQ(stale[k], 0.0) << k;
  EXPECT_EQ(parameters[0].grad().at(0), 12.0);  // 3, doubled twice in place
}

TEST(Agreement, OneProcessAgreesWithItselfAndKeepsItsStatus) {
  SingleProcess one;
  EXPECT_NO_THROW(agree(one));
  EXPECT_EQ(finish_status(one, 0).status, 0);
  const Outcome failed = finish_status(one, 2);
  EXPECT_EQ(failed.status, 2);
  EXPECT_EQ(failed.first_failed_rank, 0);
}

TEST(SoloStretch, MarksAFailureThatLeavesIt) {
  EXPECT_FALSE(failed_alone());
  { const SoloStretch quiet; }
  EXPECT_FALSE(failed_alone());
}

}  // namespace
}  // namespace descent::distributed
