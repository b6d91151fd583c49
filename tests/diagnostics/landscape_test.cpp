#include "descent/diagnostics/landscape.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent::diagnostics {
namespace {

TEST(Landscape, TheGradientDirectionGoesDownhillAndTheWeightsAreRestored) {
  Generator gen(3);
  nn::Sequential model(
      {std::make_shared<nn::Linear>(4, 3, nn::LinearOptions{.dtype = Dtype::Float64, .generator = &gen})});
  const Tensor x = randn(Shape{8, 4}, Dtype::Float64, &gen);
  const Tensor y = from_vector(std::vector<std::int64_t>{0, 1, 2, 0, 1, 2, 0, 1}, Shape{8});
  const LossFn loss = [](const Tensor& out, const Tensor& t) { return nn::cross_entropy(out, t); };
  const auto before = model.parameters()[0].to_vector();
  const Landscape line = loss_landscape(model, loss, x, y, {.directions = {"gradient"}, .span = 0.01, .points = 5});
  ASSERT_EQ(line.a.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(line.a[i], -0.01 + 0.005 * i, 1e-17);
  EXPECT_EQ(line.a[2], 0.0);  // the checkpoint itself is on the axis
  ASSERT_EQ(line.loss.size(), 1u);
  EXPECT_DOUBLE_EQ(line.loss[0][2], line.loss_at_origin);
  EXPECT_LT(line.loss[0][3], line.loss[0][2]);  // a small step along -grad lowers the loss
  EXPECT_GT(line.loss[0][1], line.loss[0][2]);  // and one against it raises it
  EXPECT_EQ(model.parameters()[0].to_vector(), before);

  const Landscape plane =
      loss_landscape(model, loss, x, y, {.directions = {"gradient", "random"}, .span = 1, .points = 3});
  EXPECT_EQ(plane.loss.size(), 3u);
  EXPECT_EQ(plane.loss[1][1], plane.loss_at_origin);
  EXPECT_THROW(loss_landscape(model, loss, x, y, {.directions = {"sideways"}}), ValueError);
  EXPECT_THROW(loss_landscape(model, loss, x, y, {.span = 0}), ValueError);
}

}  // namespace
}  // namespace descent::diagnostics
