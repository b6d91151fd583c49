#pragma once
// The founding case shared by perceptron_bce and perceptron_bce_wrong: a single-layer sigmoid
// perceptron, A = sigmoid(Z), Z = X W^T + b, trained by full-batch gradient descent on the binary
// cross-entropy
//   L = -(1/N) sum_i [Y_i log A_i + (1 - Y_i) log(1 - A_i)],
// with the loss written as a custom function whose backward is a hand-derived gradient. Derived by
// hand: dL/dA_i = (A_i - Y_i) / (N A_i (1 - A_i)) and dA_i/dZ_i = A_i (1 - A_i), so
//   dZ = (A - Y) / N,   dW = dZ^T X = (A - Y)^T X / N,   db = sum_i dZ_i.
// The program hands that dZ (right or wrong) to the loss, runs descent's checks on the whole batch,
// then trains, so the effect of a wrong derivative shows in the loss as well.
#include <cstdio>
#include <memory>
#include <string>

#include <descent/descent.hpp>

namespace perceptron {

using namespace descent;

constexpr std::int64_t kSamples = 200;  // N
constexpr double kLearningRate = 0.5;
constexpr int kEpochs = 100;

// A hand-derived gradient of L with respect to Z, from A = sigmoid(Z), the labels Y and N.
using Derivative = Tensor (*)(const Tensor& a, const Tensor& y, double n);

// Two overlapping Gaussian clouds in the plane: label 1 around (1, 1), label 0 around (-1, -1).
struct Data {
  Tensor x;  // (N, 2) float64
  Tensor y;  // (N, 1) float64, 0 or 1
};

inline Data make_data() {
  Generator gen(1);
  std::vector<double> x, y;
  for (std::int64_t i = 0; i < kSamples; ++i) {
    const double label = i % 2;
    const double centre = label == 1 ? 1.0 : -1.0;
    x.push_back(centre + gen.normal());
    x.push_back(centre + gen.normal());
    y.push_back(label);
  }
  return {from_vector(x, {kSamples, 2}, Dtype::Float64), from_vector(y, {kSamples, 1}, Dtype::Float64)};
}

// The binary cross-entropy of sigmoid(z) against y, a custom function: forward computes L stably, as
// mean(max(z, 0) - y z + log(1 + e^-|z|)); backward is whatever `dz` says dL/dZ is.
inline Tensor bce_loss(const Tensor& z, const Tensor& y, Derivative dz) {
  return custom_function(
      "bce_loss", {z, y},
      [](FunctionCtx& ctx, const std::vector<Tensor>& in) {
        const Tensor& logits = in[0];
        const Tensor& labels = in[1];
        ctx.save_for_backward({sigmoid(logits), labels});
        return mean(relu(logits) - labels * logits + log(1.0 + exp(-abs(logits))));
      },
      [dz](FunctionCtx& ctx, const Tensor& grad) {
        const Tensor& a = ctx.saved_tensors()[0];
        const Tensor& labels = ctx.saved_tensors()[1];
        const double n = static_cast<double>(a.size(0));
        return std::vector<Tensor>{dz(a, labels, n) * grad.item(), Tensor()};  // the labels get no gradient
      });
}

inline double accuracy(nn::Module& model, const Data& data) {
  NoGradGuard no_grad;
  const std::vector<double> z = model(data.x).to_vector(), y = data.y.to_vector();
  int correct = 0;
  for (std::size_t i = 0; i < z.size(); ++i) correct += (z[i] > 0) == (y[i] > 0.5);
  return static_cast<double>(correct) / static_cast<double>(z.size());
}

// Checks the perceptron with derivative `dz`, prints the report, trains it for kEpochs and prints the
// loss along the way. Returns whether every check passed.
inline bool check_and_train(const std::string& title, Derivative dz) {
  std::printf("== %s ==\n\n", title.c_str());
  const Data data = make_data();
  Generator gen(2);
  nn::Linear model(2, 1, {.dtype = Dtype::Float64, .generator = &gen});
  auto loss = [dz](const Tensor& z, const Tensor& y) { return bce_loss(z, y, dz); };
  auto make_sgd = [](const optim::NamedParameters& params) {
    return std::make_unique<optim::SGD>(params, optim::SGDOptions{.lr = kLearningRate});
  };

  const auto result = diagnostics::check_model(model, loss, data.x, data.y, make_sgd);
  std::printf("%s\n", result.report().c_str());
  // The same failures as the root causes `descent doctor` names.
  for (const diagnostics::Finding& f : diagnostics::check_findings(result))
    std::printf("diagnosis: %s at %s\n", f.cause.c_str(), f.where.c_str());

  std::printf("Training: full-batch gradient descent, lr %g, %d epochs\n", kLearningRate, kEpochs);
  optim::SGD sgd(model.named_parameters(), {.lr = kLearningRate});
  for (int epoch = 0; epoch <= kEpochs; ++epoch) {
    sgd.zero_grad();
    const Tensor l = loss(model(data.x), data.y);
    if (epoch % 25 == 0)
      std::printf("  epoch %3d: loss %.6f, accuracy %.1f%%\n", epoch, l.item(), 100 * accuracy(model, data));
    if (epoch == kEpochs) break;
    l.backward();
    sgd.step();
  }
  std::printf("\n");
  return result.passed();
}

}  // namespace perceptron
