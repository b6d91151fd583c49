#include "descent/tensor/storage.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent {
namespace {

// The steady state of a training step: after a warm-up step, every buffer comes from the pool.
TEST(Storage, TrainingStepsReuseBuffers) {
  Generator gen(0);
  nn::Sequential model({std::make_shared<nn::Linear>(20, 8, nn::LinearOptions{.generator = &gen}),
                        std::make_shared<nn::Sigmoid>(),
                        std::make_shared<nn::Linear>(8, 3, nn::LinearOptions{.generator = &gen})});
  optim::SGD opt(model.named_parameters(), {.lr = 0.1});
  const Tensor x = randn(Shape{5, 20}, Dtype::Float32, &gen);
  const Tensor y = from_vector(std::vector<std::int64_t>{0, 1, 2, 1, 0}, Shape{5});
  auto step = [&] {
    opt.zero_grad();
    nn::cross_entropy(model(x), y).backward();
    opt.step();
  };
  step();
  step();
  const MemoryStats before = memory_stats();
  for (int i = 0; i < 20; ++i) step();
  const MemoryStats after = memory_stats();
  EXPECT_EQ(after.system_allocations, before.system_allocations);
  EXPECT_GT(after.pool_hits, before.pool_hits + 20 * 10);
}

// A borrowing tensor reads and writes the memory it was given, and neither draws it from the pool nor
// gives it back (ASan would catch a free of this stack array).
TEST(Storage, BorrowingTensorUsesTheCallersMemory) {
  alignas(64) float memory[6] = {1, 2, 3, 4, 5, 6};
  const MemoryStats before = memory_stats();
  {
    const Tensor t = Tensor::borrowing(memory, Shape{2, 3}, Dtype::Float32);
    EXPECT_EQ(t.raw_data(), static_cast<void*>(memory));
    EXPECT_TRUE(t.is_contiguous());
    EXPECT_EQ(t.at(4), 5.0);
    fill_(t.view_narrowed(1, 1), 0.5);
    Tensor copy = t;
  }
  EXPECT_EQ(memory[0], 1.0f);
  EXPECT_EQ(memory[3], 0.5f);
  EXPECT_EQ(memory[5], 0.5f);
  const MemoryStats after = memory_stats();
  EXPECT_EQ(after.bytes_in_use, before.bytes_in_use);
  EXPECT_EQ(after.bytes_cached, before.bytes_cached);
}

TEST(Storage, BuffersAreAlignedForVectorLoads) {
  Storage s(100);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(s.data()) % 64, 0u);
}

// Large buffers start on a huge page's boundary, so that the kernel can back them with huge pages
// (storage.cpp: their first touch costs a page fault per 4 KB otherwise).
TEST(Storage, LargeBuffersStartOnAHugePage) {
  for (const std::size_t bytes : {std::size_t{2} << 20, (std::size_t{3} << 20) + 5, std::size_t{16} << 20}) {
    Storage s(bytes);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(s.data()) % (std::size_t{2} << 20), 0u) << bytes;
    static_cast<char*>(s.data())[bytes - 1] = 1;  // the whole size is usable (ASan checks)
  }
}

}  // namespace
}  // namespace descent
