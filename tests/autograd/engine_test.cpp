#include "descent/autograd/engine.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent {
namespace {

TEST(Engine, AccumulatesGradientsAcrossBackwardCalls) {
  Tensor x = tensor({1.0, 2.0}, Dtype::Float64).requires_grad_();
  sum(x * x).backward();
  sum(x * x).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{4.0, 8.0}));  // 2 * 2x
}

TEST(Engine, SumsAnInputUsedTwice) {
  Tensor x = tensor({3.0}, Dtype::Float64).requires_grad_();
  (x * x + x).sum().backward();  // d/dx (x^2 + x) = 2x + 1
  EXPECT_DOUBLE_EQ(x.grad().item(), 7.0);
}

TEST(Engine, ReducesBroadcastGradientsToTheOperandShape) {
  Tensor a = ones(Shape{3, 4}, Dtype::Float64).requires_grad_();
  Tensor b = ones(Shape{4}, Dtype::Float64).requires_grad_();
  Tensor c = full(Shape{}, 2.0, Dtype::Float64).requires_grad_();
  sum((a + b) * c).backward();
  EXPECT_EQ(b.grad().shape(), Shape({4}));
  EXPECT_EQ(b.grad().to_vector(), std::vector<double>(4, 6.0));  // 3 rows, times c = 2
  EXPECT_EQ(c.grad().shape(), Shape{});
  EXPECT_DOUBLE_EQ(c.grad().item(), 24.0);  // sum of a + b = 12 * 2
}

TEST(Engine, NonScalarBackwardNeedsAGradient) {
  Tensor x = ones(Shape{2, 2}, Dtype::Float64).requires_grad_();
  Tensor y = x * 2.0;
  try {
    y.backward();
    FAIL() << "expected an AutogradError";
  } catch (const AutogradError& e) {
    EXPECT_NE(std::string(e.what()).find("only for scalar outputs"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2, 2]"), std::string::npos) << e.what();
  }
  y.backward(ones(Shape{2, 2}, Dtype::Float64));
  EXPECT_EQ(x.grad().to_vector(), std::vector<double>(4, 2.0));
}

TEST(Engine, SecondBackwardThroughAReleasedGraphIsAnError) {
  Tensor x = tensor({1.0, 2.0}, Dtype::Float64).requires_grad_();
  Tensor y = sum(exp(x));
  y.backward();
  try {
    y.backward();
    FAIL() << "expected an AutogradError";
  } catch (const AutogradError& e) {
    EXPECT_NE(std::string(e.what()).find("second time"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("retain_graph"), std::string::npos) << e.what();
  }
}

TEST(Engine, RetainGraphAllowsASecondBackward) {
  Tensor x = tensor({1.0, 2.0}, Dtype::Float64).requires_grad_();
  Tensor y = sum(x * x);
  y.backward(Tensor(), /*retain_graph=*/true);
  y.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{4.0, 8.0}));
}

TEST(Engine, ReleasingTheGraphFreesSavedTensors) {
  Tensor x = ones(Shape{1000}, Dtype::Float64).requires_grad_();
  const auto before = memory_stats().bytes_in_use;
  {
    Tensor y = sum(exp(x) * x);
    y.backward();
    // y is still alive, but its graph's saved tensors are gone
    EXPECT_LE(memory_stats().bytes_in_use, before + 3 * 8192);
  }
}

TEST(Engine, BackwardOnATensorWithoutGradIsAnError) {
  Tensor x = tensor({1.0});
  EXPECT_THROW(x.backward(), AutogradError);
}

TEST(Engine, NoGradGuardRecordsNothing) {
  Tensor x = tensor({1.0}).requires_grad_();
  {
    NoGradGuard guard;
    Tensor y = x * 2.0;
    EXPECT_FALSE(y.requires_grad());
  }
  EXPECT_TRUE((x * 2.0).requires_grad());
}

TEST(Engine, DetachCutsTheGraphButSharesData) {
  Tensor x = tensor({1.0, 2.0}).requires_grad_();
  Tensor d = x.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_EQ(d.raw_data(), x.raw_data());
  Tensor y = sum(d * x);
  y.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{1.0, 2.0}));  // d treated as a constant
}

TEST(Engine, LeafGradDoesNotAliasOtherTensors) {
  // add passes its gradient straight through: the leaf must still own its .grad
  Tensor a = tensor({1.0, 2.0}).requires_grad_();
  Tensor b = tensor({1.0, 2.0}).requires_grad_();
  sum(a + b).backward();
  EXPECT_NE(a.grad().raw_data(), b.grad().raw_data());
  sum(a * 3.0).backward();
  EXPECT_EQ(a.grad().to_vector(), (std::vector<double>{4.0, 4.0}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<double>{1.0, 1.0}));
}

TEST(Engine, RequiresGradOnlyOnLeaves) {
  Tensor x = tensor({1.0}).requires_grad_();
  Tensor y = x * 2.0;
  EXPECT_FALSE(y.is_leaf());
  EXPECT_THROW(y.requires_grad_(false), AutogradError);
}

}  // namespace
}  // namespace descent
