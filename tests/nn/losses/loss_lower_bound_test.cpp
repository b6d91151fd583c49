// LossType::lower_bound, the least value each loss takes on the outputs it is made for (train's
// divergence check stops a run below it): 0 for every config loss, as each is a mean or sum of terms
// >= 0 (log-sum-exp(x) >= x_y; -log p >= 0 for p <= 1; squares, absolute values, hinges). Checked on
// outputs drawn at random, including large ones; and nll on raw logits, the misuse the bound exists
// to catch, does go below it.
#include <gtest/gtest.h>

#include "descent/descent.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/tensor/kernels/indexing.hpp"

namespace descent::nn {
namespace {

TEST(LossLowerBound, EveryConfigLossIsBoundedBelowByZero) {
  for (const LossType* type : loss_types()) EXPECT_EQ(type->lower_bound, 0.0) << type->name;
}

TEST(LossLowerBound, NoLossGoesBelowItsBoundOnTheOutputsItTakes) {
  Generator gen(3);
  const LossContext context{.classes = 4, .dtype = Dtype::Float64};
  const Tensor labels = from_vector(std::vector<std::int64_t>{0, 3, 1, 2, 2, 0}, Shape{6});
  for (const double scale : {0.1, 1.0, 30.0}) {
    const Tensor logits = mul(randn(Shape{6, 4}, Dtype::Float64, &gen), scalar_tensor(scale, Dtype::Float64));
    for (const LossType* type : loss_types()) {
      if (type->targets == LossTargets::Pairs) continue;
      // nll takes log-probabilities; the others logits or values, with labels as one-hot targets.
      const Tensor output = type->name == "nll" ? log_softmax(logits, 1) : logits;
      const double value = type->make({}, context)(output, labels).item();
      EXPECT_GE(value, type->lower_bound) << type->name << " at scale " << scale;
    }
    const Tensor embeddings = logits.reshape(Shape{6, 2, 2});
    const Tensor y = from_vector(std::vector<double>{1, 0, 1, 0, 1, 0}, Shape{6}, Dtype::Float64);
    EXPECT_GE(find_loss_type("contrastive").make({}, context)(embeddings, y).item(), 0.0);
    const Tensor pm = from_vector(std::vector<double>{1, -1, 1, -1, 1, -1}, Shape{6}, Dtype::Float64);
    EXPECT_GE(find_loss_type("cosine_embedding").make({}, context)(embeddings, pm).item(), 0.0);
  }
  // nll on raw logits, -x_y: below 0 as soon as the labels' logits are positive.
  const Tensor positive = full(Shape{6, 4}, 2.0, Dtype::Float64);
  EXPECT_LT(find_loss_type("nll").make({}, context)(positive, labels).item(), find_loss_type("nll").lower_bound);
}

}  // namespace
}  // namespace descent::nn
