// examples/lenet/mnist.toml trained end to end against PyTorch: the model, loss and optimizer the
// config builds (the CLI's path), in float64 from deterministic weights, 24 SGD-with-momentum steps on
// deterministic batches; every step's loss and the final parameters against
// tests/reference/lenet_trajectory.py's run (its docstring describes the weights and data).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

#include "descent/descent.hpp"
#include "descent/train/config.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent {
namespace {

constexpr std::int64_t kBatches = 8, kBatch = 16, kPasses = 3;

double pixel(std::int64_t n, std::int64_t r, std::int64_t c) {
  const double label = static_cast<double>(n % 10);
  return 0.5 + 0.5 * std::sin(0.37 * static_cast<double>(n) + 0.11 * static_cast<double>(r * c) +
                              0.05 * (label + 1) * static_cast<double>(r + c));
}

TEST(LenetTrajectory, MnistTomlTrainsAsPyTorchDoes) {
  std::ifstream in(std::string(DESCENT_SOURCE_DIR) + "/tests/reference/lenet_trajectory.json");
  ASSERT_TRUE(in) << "missing tests/reference/lenet_trajectory.json";
  const auto ref = nlohmann::json::parse(in);

  train::TrainConfig config = train::parse_config(std::string(DESCENT_SOURCE_DIR) + "/examples/lenet/mnist.toml");
  config.dtype = Dtype::Float64;
  Generator gen(0);
  const auto model = train::build_network(config, gen);
  int phase = 0;
  std::map<std::string, Tensor> state;
  const auto params = model->named_parameters();
  for (const auto& [name, t] : params) {
    ++phase;
    std::string weight_name = name;
    if (weight_name.ends_with("bias")) weight_name.replace(weight_name.size() - 4, 4, "weight");
    std::int64_t fan_in = 0;
    for (const auto& [other, w] : params)
      if (other == weight_name) fan_in = w.numel() / w.shape()[0];
    std::vector<double> values(static_cast<std::size_t>(t.numel()));
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = std::sin(phase + 0.7 * static_cast<double>(i)) / std::sqrt(static_cast<double>(fan_in));
    state[name] = from_vector(values, t.shape(), Dtype::Float64);
  }
  model->load_state_dict(state);
  const train::LossFn loss_fn = train::build_loss(config);
  const auto optimizer = train::build_optimizer(config, *model);

  std::vector<double> pixels;
  std::vector<std::int64_t> labels;
  for (std::int64_t n = 0; n < kBatches * kBatch; ++n) {
    labels.push_back(n % 10);
    for (std::int64_t r = 0; r < 28; ++r)
      for (std::int64_t c = 0; c < 28; ++c) pixels.push_back(pixel(n, r, c));
  }
  const Tensor x = from_vector(pixels, Shape{kBatches * kBatch, 784}, Dtype::Float64);
  const Tensor y = from_vector(labels, Shape{kBatches * kBatch});

  const auto expected_losses = ref["losses"].get<std::vector<double>>();
  ASSERT_EQ(expected_losses.size(), static_cast<std::size_t>(kBatches * kPasses));
  double worst = 0;
  for (std::int64_t step = 0; step < kBatches * kPasses; ++step) {
    const std::int64_t b = step % kBatches;
    optimizer->zero_grad();
    const Tensor loss = loss_fn((*model)(x.view_narrowed(b * kBatch, kBatch)), y.view_narrowed(b * kBatch, kBatch));
    loss.backward();
    optimizer->step();
    const double want = expected_losses[static_cast<std::size_t>(step)];
    worst = std::max(worst, std::abs(loss.item() - want) / std::abs(want));
  }
  for (const auto& [name, t] : model->named_parameters()) {
    const auto& r = ref["params"][name];
    const auto got = t.to_vector();
    double sum = 0, sum_abs = 0;
    for (double v : got) sum += v, sum_abs += std::abs(v);
    worst = std::max(worst, std::abs(sum_abs - r["sum_abs"].get<double>()) / r["sum_abs"].get<double>());
    EXPECT_NEAR(sum, r["sum"].get<double>(), 1e-10 * sum_abs) << name;
    const auto stride = r["stride"].get<std::size_t>();
    const auto sample = r["sample"].get<std::vector<double>>();
    for (std::size_t k = 0; k < sample.size(); ++k)
      worst = std::max(worst, std::abs(got[k * stride] - sample[k]) / (std::abs(sample[k]) + 1e-3));
  }
  std::printf("LeNet-5 trajectory, 24 steps: max relative difference from PyTorch %.3e\n", worst);
  EXPECT_LT(worst, 1e-10);
}

}  // namespace
}  // namespace descent
