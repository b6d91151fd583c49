// set_flush_denormal: with the mode on, a product below float's smallest normal number (1.18e-38)
// comes out as zero, in descent's kernels and on its pooled threads; off again, it is subnormal.
#include "descent/tensor/flush_denormal.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"
#include "descent/tensor/kernels/parallel.hpp"

namespace descent {
namespace {

constexpr double kSmallestNormalFloat = 1.17549435e-38;

TEST(FlushDenormal, SubnormalResultsBecomeZeroAndComeBack) {
  if (!set_flush_denormal(true)) GTEST_SKIP() << "no flush-to-zero mode on this CPU";
  const Tensor a = full(Shape{37}, 1e-20, Dtype::Float32);  // a * a = 1e-40, a subnormal float
  EXPECT_TRUE(flush_denormal());
  const Tensor on = a * a;
  EXPECT_TRUE(set_flush_denormal(false));
  EXPECT_FALSE(flush_denormal());
  const Tensor off = a * a;
  for (std::int64_t i = 0; i < a.numel(); ++i) {
    EXPECT_EQ(on.at(i), 0.0) << i;
    EXPECT_GT(off.at(i), 0.0) << i;
    EXPECT_LT(off.at(i), kSmallestNormalFloat) << i;
  }
}

TEST(FlushDenormal, PooledThreadsFollowTheMode) {
  if (!set_flush_denormal(false)) GTEST_SKIP() << "no flush-to-zero mode on this CPU";
  volatile float x = 1e-20f;  // read at run time, so the product is computed under the thread's mode
  float products[2] = {-1, -1};
  auto multiply = [&](int t) { products[t] = x * x; };
  {
    const FlushDenormalGuard guard(true);
    kernels::parallel_run(2, multiply);
    EXPECT_EQ(products[0], 0.0f);
    EXPECT_EQ(products[1], 0.0f);  // computed on a pooled thread
  }
  EXPECT_FALSE(flush_denormal());  // the guard put back the mode before it
  kernels::parallel_run(2, multiply);
  EXPECT_GT(products[0], 0.0f);
  EXPECT_GT(products[1], 0.0f);
}

}  // namespace
}  // namespace descent
