#include "descent/tensor/kernels/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace descent::kernels {
namespace {

// Each t runs exactly once per call, over many calls with changing thread counts (a pool thread that
// sits out a smaller region must not run the next one twice).
TEST(ParallelRun, RunsEachIndexOncePerCall) {
  for (int call = 0; call < 2000; ++call) {
    const int count = 1 + call % 4;
    std::vector<std::atomic<int>> hits(static_cast<std::size_t>(count));
    parallel_run(count, [&](int t) { hits[static_cast<std::size_t>(t)].fetch_add(1); });
    for (int t = 0; t < count; ++t)
      ASSERT_EQ(hits[static_cast<std::size_t>(t)].load(), 1) << "call " << call << " t " << t;
  }
}

TEST(ParallelRun, UsesOtherThreads) {
  std::vector<std::thread::id> ids(3);
  parallel_run(3, [&](int t) { ids[static_cast<std::size_t>(t)] = std::this_thread::get_id(); });
  EXPECT_EQ(ids[0], std::this_thread::get_id());
  EXPECT_NE(ids[1], ids[0]);
  EXPECT_NE(ids[2], ids[0]);
  EXPECT_NE(ids[1], ids[2]);
}

// A region inside a region runs on the thread that asked, in order.
TEST(ParallelRun, NestedRegionRunsInline) {
  std::vector<std::vector<int>> order(2);
  parallel_run(2, [&](int outer) {
    parallel_run(3, [&](int inner) { order[static_cast<std::size_t>(outer)].push_back(inner); });
  });
  EXPECT_EQ(order[0], (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(order[1], (std::vector<int>{0, 1, 2}));
}

TEST(ParallelRun, RethrowsAWorkersException) {
  EXPECT_THROW(parallel_run(2,
                            [](int t) {
                              if (t == 1) throw std::runtime_error("worker failed");
                            }),
               std::runtime_error);
  int runs = 0;
  parallel_run(1, [&](int) { ++runs; });  // the pool still works afterwards
  std::atomic<int> both{0};
  parallel_run(2, [&](int) { both.fetch_add(1); });
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(both.load(), 2);
}

}  // namespace
}  // namespace descent::kernels
