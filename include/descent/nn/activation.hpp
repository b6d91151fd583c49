#pragma once
// Activation modules: stateless wrappers around the differentiable functions, with PyTorch's names,
// defaults and printed forms.
#include <cstdint>

#include "descent/nn/module.hpp"

namespace descent::nn {

class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Sigmoid()"; }
};

class Tanh : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Tanh()"; }
};

class ReLU : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "ReLU()"; }
};

// x > 0 ? x : negative_slope x
class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(double negative_slope = 0.01) : slope_(negative_slope) {}
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;  // "LeakyReLU(negative_slope=0.01)"
  double negative_slope() const { return slope_; }

 private:
  double slope_;
};

// x > 0 ? x : alpha (e^x - 1)
class ELU : public Module {
 public:
  explicit ELU(double alpha = 1.0) : alpha_(alpha) {}
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;  // "ELU(alpha=1.0)"
  double alpha() const { return alpha_; }

 private:
  double alpha_;
};

// x Phi(x), the exact (erf) form
class GELU : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "GELU(approximate='none')"; }
};

// log(1 + e^(beta x)) / beta, x itself where beta x > threshold
class Softplus : public Module {
 public:
  explicit Softplus(double beta = 1.0, double threshold = 20.0) : beta_(beta), threshold_(threshold) {}
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;  // "Softplus(beta=1, threshold=20)"
  double beta() const { return beta_; }
  double threshold() const { return threshold_; }

 private:
  double beta_, threshold_;
};

// Probabilities along `dim`.
class Softmax : public Module {
 public:
  explicit Softmax(std::int64_t dim) : dim_(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Softmax(dim=" + std::to_string(dim_) + ")"; }
  std::int64_t dim() const { return dim_; }

 private:
  std::int64_t dim_;
};

// Log-probabilities along `dim`.
class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(std::int64_t dim) : dim_(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "LogSoftmax(dim=" + std::to_string(dim_) + ")"; }
  std::int64_t dim() const { return dim_; }

 private:
  std::int64_t dim_;
};

}  // namespace descent::nn
