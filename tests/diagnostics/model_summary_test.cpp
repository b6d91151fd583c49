// summarize() and its table on a model with a nested Sequential, a BatchNorm (whose running statistics
// are buffers, not parameters) and a frozen parameter. Counts by hand: Linear(4, 3) holds 4 x 3 + 3 =
// 15, BatchNorm1d(3) its weight and bias, 3 + 3 = 6, Linear(3, 2) 3 x 2 + 2 = 8: 29 in all, 21 trainable
// when Linear(3, 2)'s 8 are frozen. The table's layout is torchinfo's (torchinfo/formatting.py: the
// name padded to 40, the other columns to 25, a space after each; rows "├─" at depth 1, "│    └─"
// at depth 2; the index counts the modules of a depth across the whole tree).
#include "descent/diagnostics/model_summary.hpp"

#include <gtest/gtest.h>

#include "descent/nn/activation.hpp"
#include "descent/nn/batch_norm.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/sequential.hpp"

namespace descent::diagnostics {
namespace {

std::shared_ptr<nn::Sequential> model() {
  auto inner = std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(3, 2), std::make_shared<nn::Sigmoid>()});
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(4, 3), std::make_shared<nn::BatchNorm1d>(3), std::make_shared<nn::ReLU>(), inner});
}

TEST(ModelSummary, RowsShapesAndCounts) {
  auto m = model();
  for (auto& [name, p] : m->named_parameters())
    if (name.starts_with("3.")) p.requires_grad_(false);
  const ModelSummary s = summarize(*m, {1, 4}, Dtype::Float32);
  EXPECT_TRUE(m->is_training());  // restored after the pass in eval mode
  ASSERT_EQ(s.rows.size(), 7u);
  using Shape = std::vector<std::int64_t>;
  const std::vector<std::tuple<int, std::string, std::string, Shape, std::int64_t>> expected = {
      {0, "Sequential", "", {1, 2}, 0}, {1, "Linear", "1-1", {1, 3}, 15},    {1, "BatchNorm1d", "1-2", {1, 3}, 6},
      {1, "ReLU", "1-3", {1, 3}, 0},    {1, "Sequential", "1-4", {1, 2}, 0}, {2, "Linear", "2-1", {1, 2}, 8},
      {2, "Sigmoid", "2-2", {1, 2}, 0}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [depth, type, index, shape, params] = expected[i];
    EXPECT_EQ(s.rows[i].depth, depth) << i;
    EXPECT_EQ(s.rows[i].type, type) << i;
    EXPECT_EQ(s.rows[i].index, index) << i;
    EXPECT_EQ(s.rows[i].shape, shape) << i;
    EXPECT_EQ(s.rows[i].params, params) << i;
  }
  EXPECT_EQ(s.total_params, 29);
  EXPECT_EQ(s.trainable_params, 21);
}

TEST(ModelSummary, TableAsTorchinfoPrintsIt) {
  auto m = model();
  const std::string rule(90, '=');
  EXPECT_EQ(to_string(summarize(*m, {1, 4}, Dtype::Float32)),
            rule + "\n" + "Layer (type:depth-idx)                   Output Shape              Param #\n" + rule + "\n" +
                "Sequential                               [1, 2]                    --\n"
                "├─Linear: 1-1                            [1, 3]                    15\n"
                "├─BatchNorm1d: 1-2                       [1, 3]                    6\n"
                "├─ReLU: 1-3                              [1, 3]                    --\n"
                "├─Sequential: 1-4                        [1, 2]                    --\n"
                "│    └─Linear: 2-1                       [1, 2]                    8\n"
                "│    └─Sigmoid: 2-2                      [1, 2]                    --\n" +
                rule + "\n" +
                "Total params: 29\n"
                "Trainable params: 29\n"
                "Non-trainable params: 0\n" +
                rule + "\n" +
                "Input size (MB): 0.00\n"  // 4 float32: 16 bytes
                "Forward/backward pass size (MB): 0.00\n"
                "Params size (MB): 0.00\n"
                "Estimated Total Size (MB): 0.00\n" +
                rule + "\n");
}

// The sizes at a batch of 50,000, by hand: the input 50,000 x 4 float32 = 0.80 MB; the leaves' outputs
// (Linear 3, BatchNorm1d 3, ReLU 3, Linear 2, Sigmoid 2: 13 values an example), each once forward and
// once as a gradient: 2 x 13 x 4 bytes x 50,000 = 5.20 MB (the two Sequentials are not leaves); the
// parameters 29 x 4 = 116 bytes; in all 6.000116 MB.
TEST(ModelSummary, SizesOfOneStepAtABatch) {
  auto m = model();
  const std::string text = to_string(summarize(*m, {50000, 4}, Dtype::Float32));
  const std::string rule(90, '=');
  EXPECT_NE(text.find("Input size (MB): 0.80\n"
                      "Forward/backward pass size (MB): 5.20\n"
                      "Params size (MB): 0.00\n"
                      "Estimated Total Size (MB): 6.00\n" +
                      rule + "\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace descent::diagnostics
