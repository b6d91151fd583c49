// Every loss and distance against PyTorch 1.13 in float64: tests/reference/losses.py wrote
// losses.json (its docstring describes the inputs and edge cases). Each case's output and the
// gradient of each differentiable input must agree to 1e-10 relative.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>

#include "descent/descent.hpp"

namespace descent::nn {
namespace {

using json = nlohmann::json;
using Inputs = std::map<std::string, Tensor>;

constexpr double kRelTol = 1e-10;

Tensor tensor_from(const json& j) {
  Shape shape;
  for (const auto& d : j["shape"]) shape.push_back(d.get<std::int64_t>());
  if (j["dtype"] == "int64") return from_vector(j["values"].get<std::vector<std::int64_t>>(), shape);
  return from_vector(j["values"].get<std::vector<double>>(), shape, Dtype::Float64);
}

Tensor optional_tensor(const json& options, const char* key) {
  return options.contains(key) ? tensor_from(options[key]) : Tensor();
}

Reduction reduction_of(const json& o) { return reduction_from_string(o["reduction"].get<std::string>()); }

// The call each case names, with its options spelled as a user would.
Tensor call(const std::string& f, Inputs& in, const json& o) {
  if (f == "l1_loss") return l1_loss(in["input"], in["target"], {.reduction = reduction_of(o)});
  if (f == "mse_loss") return mse_loss(in["input"], in["target"], {.reduction = reduction_of(o)});
  if (f == "huber_loss") return HuberLoss{.delta = o["delta"], .reduction = reduction_of(o)}(in["input"], in["target"]);
  if (f == "smooth_l1_loss")
    return smooth_l1_loss(in["input"], in["target"], {.beta = o["beta"], .reduction = reduction_of(o)});
  if (f == "binary_cross_entropy")
    return binary_cross_entropy(in["input"], in["target"],
                                {.weight = optional_tensor(o, "weight"), .reduction = reduction_of(o)});
  if (f == "binary_cross_entropy_with_logits")
    return BCEWithLogitsLoss{.weight = optional_tensor(o, "weight"),
                             .pos_weight = optional_tensor(o, "pos_weight"),
                             .reduction = reduction_of(o)}(in["input"], in["target"]);
  if (f == "nll_loss")
    return nll_loss(in["input"], in["target"], {.weight = optional_tensor(o, "weight"), .reduction = reduction_of(o)});
  if (f == "cross_entropy")
    return CrossEntropyLoss{.weight = optional_tensor(o, "weight"),
                            .label_smoothing = o.value("label_smoothing", 0.0),
                            .reduction = reduction_of(o)}(in["input"], in["target"]);
  if (f == "hinge_embedding_loss")
    return hinge_embedding_loss(in["input"], in["target"], {.margin = o["margin"], .reduction = reduction_of(o)});
  if (f == "cosine_embedding_loss")
    return CosineEmbeddingLoss{.margin = o["margin"], .reduction = reduction_of(o)}(in["input1"], in["input2"],
                                                                                    in["target"]);
  if (f == "margin_ranking_loss")
    return margin_ranking_loss(in["input1"], in["input2"], in["target"],
                               {.margin = o["margin"], .reduction = reduction_of(o)});
  if (f == "triplet_margin_loss")
    return TripletMarginLoss{
        .margin = o["margin"], .p = o["p"], .eps = o["eps"], .swap = o["swap"], .reduction = reduction_of(o)}(
        in["anchor"], in["positive"], in["negative"]);
  if (f == "contrastive_loss")
    return contrastive_loss(in["input1"], in["input2"], in["target"],
                            {.margin = o["margin"], .reduction = reduction_of(o)});
  if (f == "pairwise_distance") return pairwise_distance(in["x1"], in["x2"], o["p"], o["eps"], o["keepdim"]);
  if (f == "cosine_similarity") return cosine_similarity(in["x1"], in["x2"], o["dim"], o["eps"]);
  ADD_FAILURE() << "no such function: " << f;
  return Tensor();
}

// |a - b| / max(|a|, |b|), 0 when both are 0.
double relative_error(double a, double b) {
  const double scale = std::max(std::abs(a), std::abs(b));
  return scale == 0 ? 0 : std::abs(a - b) / scale;
}

// The worst relative error over `got` against the reference `expected`, reporting the place.
double compare(const std::string& what, const Tensor& got, const json& expected) {
  const Tensor want = tensor_from(expected);
  EXPECT_EQ(to_string(got.shape()), to_string(want.shape())) << what;
  if (got.numel() != want.numel()) return INFINITY;
  double worst = 0;
  for (std::int64_t i = 0; i < got.numel(); ++i) {
    const double e = relative_error(got.at(i), want.at(i));
    EXPECT_LE(e, kRelTol) << what << "[" << i << "]: descent " << got.at(i) << ", PyTorch " << want.at(i);
    worst = std::max(worst, e);
  }
  return worst;
}

TEST(LossesReference, ValuesAndGradientsMatchPyTorch) {
  std::ifstream file(std::string(DESCENT_SOURCE_DIR) + "/tests/reference/losses.json");
  ASSERT_TRUE(file) << "missing tests/reference/losses.json";
  const json ref = json::parse(file);
  ASSERT_GT(ref["cases"].size(), 100u);
  std::map<std::string, double> worst_by_function;
  for (const json& c : ref["cases"]) {
    const std::string name = c["name"];
    Inputs in;
    for (const auto& [key, value] : c["inputs"].items()) in[key] = tensor_from(value);
    for (const auto& [key, value] : c["grads"].items()) in[key].requires_grad_();
    const Tensor out = call(c["function"], in, c["options"]);
    ASSERT_TRUE(out.defined()) << name;
    out.backward(c["grad_output"].is_null() ? Tensor() : tensor_from(c["grad_output"]));
    double worst = compare(name + " output", out.detach(), c["output"]);
    for (const auto& [key, value] : c["grads"].items()) {
      ASSERT_TRUE(in[key].grad().defined()) << name << ": no gradient for " << key;
      worst = std::max(worst, compare(name + " d/d" + key, in[key].grad(), value));
    }
    double& w = worst_by_function[c["function"]];
    w = std::max(w, worst);
  }
  for (const auto& [function, worst] : worst_by_function)
    std::printf("%-34s max relative error against PyTorch %.2e\n", function.c_str(), worst);
}

}  // namespace
}  // namespace descent::nn
