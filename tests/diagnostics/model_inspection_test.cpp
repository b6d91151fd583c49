// Looking at a model before any step: its outline (layers, kinds, which units are hidden), the output
// layer against the loss (loss_output_mismatch), a model with no nonlinearity (linear_model), and the
// initial weights (bad_init).
#include "descent/diagnostics/model_inspection.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "descent/nn/activation.hpp"
#include "descent/nn/dropout.hpp"
#include "descent/nn/flatten.hpp"
#include "descent/nn/init.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/nn/siamese.hpp"
#include "descent/tensor/generator.hpp"
#include "support/text.hpp"

namespace descent::diagnostics {
namespace {

using Layers = std::initializer_list<std::shared_ptr<nn::Module>>;

using descent::testing::contains;

std::shared_ptr<nn::Linear> linear(std::int64_t in, std::int64_t out, std::uint64_t seed = 1) {
  Generator gen(seed);
  return std::make_shared<nn::Linear>(in, out, nn::LinearOptions{.generator = &gen});
}

std::vector<Finding> structure(Layers layers, const std::string& loss) {
  const nn::Sequential model(layers);
  return inspect_structure(outline(model), loss);
}

std::vector<std::string> causes(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.cause);
  return out;
}

using Causes = std::vector<std::string>;

TEST(ModelInspection, OutlineOfASequentialNamesKindsAndHiddenUnits) {
  const nn::Sequential model(
      {linear(4, 8), std::make_shared<nn::ReLU>(), linear(8, 3), std::make_shared<nn::Softmax>(1)});
  const auto layers = outline(model);
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_EQ(layers[0].name, "0");
  EXPECT_EQ(layers[0].describe, "Linear(in_features=4, out_features=8, bias=True)");
  EXPECT_EQ(layers[0].kind, LayerKind::Weight);
  EXPECT_EQ(layers[1].describe, "ReLU()");
  EXPECT_EQ(layers[1].kind, LayerKind::Relu);
  EXPECT_EQ(layers[2].kind, LayerKind::Weight);
  EXPECT_EQ(layers[3].name, "3");
  EXPECT_EQ(layers[3].describe, "Softmax(dim=1)");
  EXPECT_EQ(layers[3].kind, LayerKind::Softmax);
  // Only the ReLU's units feed a later weight layer; weight layers themselves are never "hidden".
  EXPECT_FALSE(layers[0].hidden);
  EXPECT_TRUE(layers[1].hidden);
  EXPECT_FALSE(layers[2].hidden);
  EXPECT_FALSE(layers[3].hidden);
}

TEST(ModelInspection, OutlineOfASiameseIsItsTowers) {
  auto tower = std::make_shared<nn::Sequential>(Layers{linear(6, 5), std::make_shared<nn::Tanh>(), linear(5, 2)});
  nn::Siamese siamese(tower);
  const auto layers = outline(siamese);
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0].name, "0");  // the child's name in the tower; its parameters are tower.0.*
  EXPECT_EQ(layers[1].kind, LayerKind::Saturating);
  EXPECT_TRUE(layers[1].hidden);
  EXPECT_EQ(outlined_module(siamese), tower.get());
  // A model that is neither: no outline, and the checks that need one say nothing.
  nn::Linear bare(3, 2);
  EXPECT_TRUE(outline(bare).empty());
  EXPECT_EQ(outlined_module(bare), nullptr);
  EXPECT_TRUE(inspect_structure(outline(bare), "cross_entropy").empty());
}

TEST(ModelInspection, SquashingOutputBeforeALossThatSquashesItselfIsAMismatch) {
  for (auto last : std::vector<std::shared_ptr<nn::Module>>{
           std::make_shared<nn::Softmax>(1), std::make_shared<nn::LogSoftmax>(1), std::make_shared<nn::Sigmoid>()}) {
    const auto found = structure({linear(4, 8), std::make_shared<nn::ReLU>(), linear(8, 3), last}, "cross_entropy");
    ASSERT_EQ(causes(found), Causes{"loss_output_mismatch"}) << last->describe();
    EXPECT_EQ(found[0].where, "3");
    EXPECT_EQ(found[0].severity, Severity::Problem);
    EXPECT_TRUE(contains(found[0].evidence, "ends in " + last->describe() + " and the loss is cross_entropy"))
        << found[0].evidence;
    EXPECT_EQ(found[0].fix_text, "remove the last " + last->describe() + ": the loss applies its own");
  }
  // A Dropout after the softmax passes values through: the softmax is still what the loss sees.
  const auto behind_dropout =
      structure({linear(4, 3), std::make_shared<nn::Softmax>(1), std::make_shared<nn::Dropout>(0.1)}, "cross_entropy");
  ASSERT_EQ(causes(behind_dropout), Causes{"loss_output_mismatch"});
  EXPECT_EQ(behind_dropout[0].where, "1");
}

TEST(ModelInspection, SigmoidBeforeBceWithLogitsIsAMismatch) {
  const auto found = structure(
      {linear(4, 8), std::make_shared<nn::ReLU>(), linear(8, 1), std::make_shared<nn::Sigmoid>()}, "bce_with_logits");
  ASSERT_EQ(causes(found), Causes{"loss_output_mismatch"});
  EXPECT_TRUE(contains(found[0].evidence, "applies its own sigmoid")) << found[0].evidence;
  EXPECT_TRUE(structure({linear(4, 8), std::make_shared<nn::ReLU>(), linear(8, 1)}, "bce_with_logits").empty());
}

TEST(ModelInspection, NllWantsALogSoftmaxLast) {
  for (auto last : std::vector<std::shared_ptr<nn::Module>>{std::make_shared<nn::Softmax>(1), linear(8, 3)}) {
    const auto found = structure({linear(4, 8), std::make_shared<nn::ReLU>(), last}, "nll");
    ASSERT_EQ(causes(found), Causes{"loss_output_mismatch"}) << last->describe();
    EXPECT_EQ(found[0].fix_text, "end the model in log_softmax, or use cross_entropy on the raw outputs");
  }
  EXPECT_TRUE(structure({linear(4, 3), std::make_shared<nn::LogSoftmax>(1)}, "nll").empty());
}

TEST(ModelInspection, RawOutputsBeforeCrossEntropyOrMseAreFine) {
  EXPECT_TRUE(structure({linear(4, 8), std::make_shared<nn::ReLU>(), linear(8, 3)}, "cross_entropy").empty());
  EXPECT_TRUE(structure({linear(4, 8), std::make_shared<nn::Tanh>(), linear(8, 1)}, "mse").empty());
  // A sigmoid output under mse is a choice (Nielsen's networks), not a mismatch.
  EXPECT_TRUE(
      structure({linear(4, 8), std::make_shared<nn::Sigmoid>(), linear(8, 3), std::make_shared<nn::Sigmoid>()}, "mse")
          .empty());
}

TEST(ModelInspection, WeightLayersWithNoNonlinearityBetweenAreALinearModel) {
  const auto two = structure({linear(4, 8), linear(8, 3)}, "cross_entropy");
  ASSERT_EQ(causes(two), Causes{"linear_model"});
  EXPECT_EQ(two[0].where, "model");
  EXPECT_EQ(two[0].severity, Severity::Problem);
  EXPECT_TRUE(contains(two[0].evidence, "2 weight layers with no nonlinearity between them")) << two[0].evidence;
  // Dropout and Flatten change no function class.
  EXPECT_EQ(causes(structure({linear(4, 8), std::make_shared<nn::Dropout>(0.2), linear(8, 3)}, "cross_entropy")),
            Causes{"linear_model"});
  EXPECT_EQ(causes(structure({linear(4, 8), std::make_shared<nn::Flatten>(), linear(8, 8), linear(8, 3)}, "mse")),
            Causes{"linear_model"});
  // A ReLU after the last weight layer only clips the output: the layers are still one linear map.
  EXPECT_EQ(causes(structure({linear(4, 8), linear(8, 3), std::make_shared<nn::ReLU>()}, "mse")),
            Causes{"linear_model"});
  // A nonlinearity between the weight layers, or a single weight layer: fine.
  EXPECT_TRUE(structure({linear(4, 8), std::make_shared<nn::ReLU>(), linear(8, 3)}, "cross_entropy").empty());
  EXPECT_TRUE(structure({linear(4, 3)}, "cross_entropy").empty());
  // Both at once: the mismatch, then the linear model.
  EXPECT_EQ(causes(structure({linear(4, 8), linear(8, 3), std::make_shared<nn::Softmax>(1)}, "cross_entropy")),
            (Causes{"loss_output_mismatch", "linear_model"}));
}

TEST(ModelInspection, ConstantHiddenWeightsAreABadInitProblem) {
  auto first = linear(4, 8);
  nn::init::constant_(first->weight(), 0.5);
  const nn::Sequential model({first, std::make_shared<nn::ReLU>(), linear(8, 3)});
  const auto found = inspect_weights(model, outline(model));
  ASSERT_EQ(causes(found), Causes{"bad_init"});
  EXPECT_EQ(found[0].severity, Severity::Problem);
  EXPECT_EQ(found[0].where, "0.weight");
  EXPECT_TRUE(
      contains(found[0].evidence, "0.weight starts with every element 0.5: its units compute the same function"))
      << found[0].evidence;
  // In a Siamese tower the parameter is named tower.0.weight and still found hidden.
  auto tower_first = linear(4, 8);
  nn::init::zeros_(tower_first->weight());
  nn::Siamese siamese(
      std::make_shared<nn::Sequential>(Layers{tower_first, std::make_shared<nn::ReLU>(), linear(8, 2)}));
  const auto in_tower = inspect_weights(siamese, outline(siamese));
  ASSERT_EQ(causes(in_tower), Causes{"bad_init"});
  EXPECT_EQ(in_tower[0].where, "tower.0.weight");
  EXPECT_EQ(in_tower[0].severity, Severity::Problem);
}

TEST(ModelInspection, ZeroWeightsInASingleLayerAreNotAProblem) {
  // Logistic regression started at zero (784 -> 10): every output starts equal, but the gradient of
  // row c of the weight is (softmax_c - onehot_c) x, different for each class, so nothing stays
  // symmetric; the problem is convex and trains from zero (sklearn's and most textbooks' start).
  auto only = linear(784, 10);
  nn::init::zeros_(only->weight());
  const nn::Sequential model({only});
  EXPECT_TRUE(inspect_weights(model, outline(model)).empty());
  // Nor in an output layer whose inputs are random hidden units (its gradient h^T (p - y) is not zero).
  auto last = linear(8, 3);
  nn::init::zeros_(last->weight());
  const nn::Sequential mlp({linear(4, 8), std::make_shared<nn::ReLU>(), last});
  EXPECT_TRUE(inspect_weights(mlp, outline(mlp)).empty());
  // A model of another structure (a Siamese whose tower is one Linear, not a Sequential) has no
  // outline: whether its zero weights feed another layer is unknown, and they stay suspect.
  auto tower = linear(4, 3);
  nn::init::zeros_(tower->weight());
  const nn::Siamese siamese(tower);
  ASSERT_TRUE(outline(siamese).empty());
  const auto unknown = inspect_weights(siamese, outline(siamese));
  ASSERT_EQ(causes(unknown), Causes{"bad_init"});
  EXPECT_EQ(unknown[0].where, "tower.weight");
  EXPECT_EQ(unknown[0].severity, Severity::Problem);
}

TEST(ModelInspection, UnitNormalWeightsOnFanIn784AreABadInitWarning) {
  // N(0, 1) weights on fan-in 784 (Nielsen's hidden100.toml): std x sqrt(fan_in) = 1 x 28 = 28 > 4.
  Generator gen(5);
  auto first = linear(784, 100);
  nn::init::normal_(first->weight(), 0.0, 1.0, &gen);
  const nn::Sequential model({first, std::make_shared<nn::Sigmoid>(), linear(100, 10)});
  const auto found = inspect_weights(model, outline(model));
  ASSERT_EQ(causes(found), Causes{"bad_init"});
  EXPECT_EQ(found[0].severity, Severity::Warning);
  EXPECT_EQ(found[0].where, "0.weight");
  ASSERT_EQ(found[0].suggestion.size(), 1u);
  // 78,400 draws: the sample std is within 1% of 1, so the scale within 1% of 28.
  EXPECT_NEAR(found[0].suggestion[0], 28.0, 0.28);
  EXPECT_TRUE(contains(found[0].evidence, "for fan-in 784")) << found[0].evidence;
  EXPECT_TRUE(contains(found[0].evidence, "activations grow")) << found[0].evidence;
  // Far too small: N(0, 1e-4) gives 0.0028 < 0.05, a warning that they shrink.
  nn::init::normal_(first->weight(), 0.0, 1e-4, &gen);
  const auto tiny = inspect_weights(model, outline(model));
  ASSERT_EQ(causes(tiny), Causes{"bad_init"});
  EXPECT_TRUE(contains(tiny[0].evidence, "activations shrink")) << tiny[0].evidence;
}

TEST(ModelInspection, DefaultInitIsFine) {
  // PyTorch's default, uniform(+-1/sqrt(fan_in)): std x sqrt(fan_in) = 1/sqrt(3) = 0.58 at every fan-in.
  const nn::Sequential model({linear(784, 100, 1), std::make_shared<nn::ReLU>(), linear(100, 30, 2),
                              std::make_shared<nn::ReLU>(), linear(30, 10, 3)});
  EXPECT_TRUE(inspect_weights(model, outline(model)).empty());
}

}  // namespace
}  // namespace descent::diagnostics
