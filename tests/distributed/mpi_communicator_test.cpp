// The shared-memory sum of src/distributed/mpi_communicator.cpp, from inside two ranks: this test
// program runs itself under mpirun, with a filter that picks the rank-side test alone.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "descent/distributed/communicator.hpp"
#include "mpirun.hpp"

namespace descent::distributed {
namespace {

namespace fs = std::filesystem;
using testing::kHaveMpi;

constexpr const char* kCommunicatorRankVariable = "DESCENT_MPI_COMMUNICATOR_RANK_TEST";

float exchange_rank_value(int rank, std::size_t i) { return static_cast<float>((i * (rank + 3)) % 101) + 0.5f * rank; }

// A rank of the test below. Rank 1 writes the first half of its buffer, marks it final and waits;
// rank 0 is in the sum meanwhile, and must sum that half, and no more, while rank 1 waits: the second
// half of rank 1's buffer is not written yet. Then rank 1 writes it and sums too: every element
// of both buffers is the sum, exactly (small integers and halves).
TEST(MpiCommunicatorRank, SumsWhatIsMarkedFinalWhileTheOtherRankComputes) {
  if (!std::getenv(kCommunicatorRankVariable))
    GTEST_SKIP() << "a rank of MpiCommunicator.* (which runs it under mpirun)";
  int argc = 0;
  char** argv = nullptr;
  start(&argc, &argv);
  Communicator& comm = world();
  ASSERT_EQ(comm.size(), 2);
  constexpr std::size_t n = 300'001;  // several of the sum's claims, and a tail
  auto* data = static_cast<float*>(comm.exchange_memory(n * sizeof(float)));
  ASSERT_NE(data, nullptr) << "no shared exchange memory between 2 ranks on one machine";
  const std::size_t half = n / 2;
  const int rank = comm.rank();
  for (std::size_t i = 0; i < (rank == 1 ? half : n); ++i) data[i] = exchange_rank_value(rank, i);
  for (std::size_t i = half; rank == 1 && i < n; ++i) data[i] = -1e6f;  // not this rank's values yet
  if (rank == 1) {
    comm.mark_final(data, half * sizeof(float));
    // Rank 0 sums the first element's part while this rank waits outside the sum (up to 30 s, for a
    // loaded machine), and not the last's, which is not final.
    const float first = exchange_rank_value(0, 0) + exchange_rank_value(1, 0);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::atomic_ref<float>(data[0]).load() != first && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_EQ(std::atomic_ref<float>(data[0]).load(), first);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // time for a wrong sum to reach the end
    EXPECT_EQ(std::atomic_ref<float>(data[n - 1]).load(), -1e6f);
    for (std::size_t i = half; i < n; ++i) data[i] = exchange_rank_value(rank, i);
  }
  comm.all_reduce_sum(std::span<float>(data, n));
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < n; ++i) wrong += data[i] != exchange_rank_value(0, i) + exchange_rank_value(1, i);
  EXPECT_EQ(wrong, 0u) << "elements whose sum is not the ranks' values' sum, on rank " << rank;
  comm.release_exchange_memory(data);
  finish();
}

TEST(MpiCommunicator, SumsWhatARankMarkedFinalWhileTheOtherComputes) {
  if (!kHaveMpi) GTEST_SKIP() << "descent was built without MPI (Debian: libopenmpi-dev, openmpi-bin)";
  const fs::path dir = fs::temp_directory_path() / "descent-mpi-communicator-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  const testing::Launched run = testing::launch(
      // (the suite's gtest sharding, when set, would leave the ranks' one test to another shard)
      "-np 2 -x " + std::string(kCommunicatorRankVariable) + "=1 -x GTEST_TOTAL_SHARDS=1 -x GTEST_SHARD_INDEX=0 " +
          testing::shell_word(self) +
          " --gtest_color=no --gtest_filter=MpiCommunicatorRank.SumsWhatIsMarkedFinalWhileTheOtherRankComputes",
      dir, 60);
  EXPECT_EQ(run.status, 0) << run.out << run.err;
  int passed = 0;
  for (auto at = run.out.find("[  PASSED  ] 1 test"); at != std::string::npos;
       at = run.out.find("[  PASSED  ] 1 test", at + 1))
    ++passed;
  EXPECT_EQ(passed, 2) << run.out << run.err;
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace descent::distributed
