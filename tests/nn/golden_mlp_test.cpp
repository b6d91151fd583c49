// The golden end-to-end check: loss and every gradient of a small MLP against PyTorch's run
// (tests/reference/golden_mlp.py wrote golden_mlp.json; the comment there describes the model).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "descent/descent.hpp"

namespace descent {
namespace {

TEST(GoldenMlp, LossAndEveryGradientMatchPyTorch) {
  std::ifstream in(std::string(DESCENT_SOURCE_DIR) + "/tests/reference/golden_mlp.json");
  ASSERT_TRUE(in) << "missing tests/reference/golden_mlp.json";
  const auto ref = nlohmann::json::parse(in);
  const Tensor x = from_vector(ref["x"].get<std::vector<double>>(), Shape{3, 4}, Dtype::Float64);
  const Tensor y = from_vector(ref["y"].get<std::vector<std::int64_t>>(), Shape{3});

  for (const std::string loss_name : {"cross_entropy", "quadratic"}) {
    nn::Sequential model({std::make_shared<nn::Linear>(4, 5, nn::LinearOptions{.dtype = Dtype::Float64}),
                          std::make_shared<nn::Sigmoid>(),
                          std::make_shared<nn::Linear>(5, 3, nn::LinearOptions{.dtype = Dtype::Float64})});
    std::map<std::string, Tensor> state;
    for (auto& [name, t] : model.named_parameters())
      state[name] = from_vector(ref["params"][name].get<std::vector<double>>(), t.shape(), Dtype::Float64);
    model.load_state_dict(state);

    const Tensor logits = model(x);
    const Tensor loss = loss_name == "cross_entropy"
                            ? nn::cross_entropy(logits, y)
                            : nn::quadratic_cost(sigmoid(logits), kernels::one_hot(y, 3, Dtype::Float64));
    loss.backward();
    const auto& r = ref[loss_name];
    double worst = std::abs(loss.item() - r["loss"].get<double>());
    for (auto& [name, t] : model.named_parameters()) {
      const auto expected = r["grads"][name].get<std::vector<double>>();
      const auto got = t.grad().to_vector();
      ASSERT_EQ(got.size(), expected.size()) << name;
      for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - expected[i]));
    }
    std::printf("golden MLP (%s): max |descent - PyTorch| over loss and gradients = %.3e\n", loss_name.c_str(), worst);
    EXPECT_LT(worst, 1e-13) << loss_name;
  }
}

}  // namespace
}  // namespace descent
