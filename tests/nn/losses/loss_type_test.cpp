// The loss table (nn/losses/loss_type.hpp): every config loss, found by name, with its own defaults and
// range checks, made into a loss function of (output, targets).
#include "descent/nn/losses/loss_type.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "descent/descent.hpp"
#include "descent/nn/siamese.hpp"
#include "descent/tensor/kernels/indexing.hpp"

namespace descent::nn {
namespace {

std::string default_of(std::string_view loss, std::string_view option) {
  for (const LossOption& o : find_loss_type(loss).options())
    if (o.name == option) return o.default_value;
  return "(none)";
}

TEST(LossType, EveryConfigLossIsListedOnceSortedByName) {
  const std::vector<std::string> names = loss_type_names();
  EXPECT_EQ(names, (std::vector<std::string>{"bce_with_logits", "contrastive", "cosine_embedding", "cross_entropy",
                                             "huber", "l1", "mse", "nll", "quadratic", "smooth_l1"}));
  for (const LossType* type : loss_types()) {
    EXPECT_FALSE(type->summary.empty()) << type->name;
    const auto options = type->options();
    ASSERT_FALSE(options.empty()) << type->name;
    EXPECT_EQ(options[0].name, "reduction") << type->name;
    for (const LossOption& o : options) EXPECT_FALSE(o.allowed.empty()) << type->name << "." << o.name;
  }
}

TEST(LossType, UnknownNameListsTheKnownOnes) {
  try {
    find_loss_type("hinge");
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(),
                 "unknown loss \"hinge\" (known: bce_with_logits, contrastive, cosine_embedding, cross_entropy, "
                 "huber, l1, mse, nll, quadratic, smooth_l1)");
  }
}

TEST(LossType, EachLossHasItsOwnDefaults) {
  EXPECT_EQ(default_of("contrastive", "margin"), "1");
  EXPECT_EQ(default_of("cosine_embedding", "margin"), "0");
  EXPECT_EQ(default_of("huber", "delta"), "1");
  EXPECT_EQ(default_of("smooth_l1", "beta"), "1");
  EXPECT_EQ(default_of("cross_entropy", "label_smoothing"), "0");
  EXPECT_EQ(default_of("cross_entropy", "weight"), "");
  EXPECT_EQ(default_of("mse", "reduction"), "mean");
  EXPECT_EQ(find_loss_type("nll").targets, LossTargets::ClassLabels);
  EXPECT_EQ(find_loss_type("quadratic").targets, LossTargets::Values);
  EXPECT_EQ(find_loss_type("contrastive").targets, LossTargets::Pairs);
}

TEST(LossType, OptionsOutOfRangeNameTheOptionAndWhatItAllows) {
  auto expected_of = [](std::string_view loss, util::NameValuePairs options) -> std::string {
    try {
      find_loss_type(loss).make(options, {});
    } catch (const OptionError& e) {
      return e.option() + ": " + e.expected();
    }
    return "accepted";
  };
  EXPECT_EQ(expected_of("huber", {{"delta", "0"}}), "delta: delta > 0");
  EXPECT_EQ(expected_of("smooth_l1", {{"beta", "-1"}}), "beta: beta >= 0");
  EXPECT_EQ(expected_of("smooth_l1", {{"beta", "0"}}), "accepted");
  EXPECT_EQ(expected_of("cross_entropy", {{"label_smoothing", "1.5"}}), "label_smoothing: label_smoothing in [0, 1]");
  EXPECT_EQ(expected_of("nll", {{"weight", "1,-2"}}), "weight: an array of one number >= 0 per class, e.g. [1.0, 2.0]");
  EXPECT_EQ(expected_of("cosine_embedding", {{"margin", "-1.5"}}), "margin: margin in [-1, 1] (a cosine similarity)");
  EXPECT_EQ(expected_of("contrastive", {{"margin", "0"}}), "margin: margin > 0 (a distance)");
  EXPECT_EQ(expected_of("mse", {{"reduction", "none"}}), "reduction: one of mean, sum");
  EXPECT_EQ(expected_of("l1", {{"reduction", "sum"}}), "accepted");
  EXPECT_THROW(find_loss_type("mse").make({{"delta", "1"}}, {}), ValueError);  // not an mse option
}

TEST(LossType, MadeLossesMatchTheLossesThemselves) {
  const Tensor out = from_vector(std::vector<double>{0.2, -1.0, 0.5, 1.5, 0.3, -0.4}, Shape{2, 3}, Dtype::Float64);
  const Tensor labels = from_vector(std::vector<std::int64_t>{2, 0}, Shape{2});
  const Tensor onehot = kernels::one_hot(labels, 3, Dtype::Float64);
  const LossContext context{.classes = 3, .dtype = Dtype::Float64};
  auto made = [&](std::string_view name, util::NameValuePairs options, const Tensor& targets) {
    return find_loss_type(name).make(options, context)(out, targets).item();
  };
  EXPECT_EQ(made("mse", {}, labels), mse_loss(out, onehot).item());
  EXPECT_EQ(made("mse", {{"reduction", "sum"}}, onehot), mse_loss(out, onehot, Reduction::Sum).item());
  EXPECT_EQ(made("quadratic", {{"reduction", "sum"}}, labels), quadratic_cost(out, onehot).item());
  EXPECT_EQ(made("huber", {{"delta", "0.5"}}, labels), huber_loss(out, onehot, {.delta = 0.5}).item());
  EXPECT_EQ(made("cross_entropy", {{"label_smoothing", "0.1"}, {"weight", "1,2,0.5"}}, labels),
            cross_entropy(out, labels,
                          {.weight = from_vector(std::vector<double>{1, 2, 0.5}, Shape{3}, Dtype::Float64),
                           .label_smoothing = 0.1})
                .item());
  EXPECT_EQ(made("nll", {}, labels), nll_loss(out, labels).item());
  // the pair losses split a Siamese model's (N, 2, D) embeddings into the pairs' halves
  const Tensor embeddings = out.reshape(Shape{1, 2, 3});
  const auto [a, b] = Siamese::halves(embeddings);
  const Tensor y = from_vector(std::vector<double>{1.0}, Shape{1}, Dtype::Float64);
  EXPECT_EQ(find_loss_type("contrastive").make({}, context)(embeddings, y).item(), contrastive_loss(a, b, y).item());
  EXPECT_EQ(find_loss_type("cosine_embedding").make({{"margin", "0.2"}}, context)(embeddings, y).item(),
            cosine_embedding_loss(a, b, y, {.margin = 0.2}).item());
}

}  // namespace
}  // namespace descent::nn
