#pragma once
// ADADELTA (Zeiler 2012, Algorithm 1), as torch.optim.Adadelta (1.13):
//   g <- -g if maximize;  g <- g + weight_decay * p
//   v <- rho * v + (1 - rho) * g^2                           v: "square_avg", E[g^2]
//   d <- sqrt(u + eps) / sqrt(v + eps) * g                   u: "acc_delta", E[dx^2] of past steps
//   u <- rho * u + (1 - rho) * d^2
//   p <- p - lr * d
// Where PyTorch departs from the paper: the paper has no learning rate (its rule is lr = 1, PyTorch's
// default); lr, weight_decay and maximize are PyTorch's. eps sits inside both square roots, as in
// the paper's RMS[x] = sqrt(E[x^2] + eps).
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct AdadeltaOptions {
  double lr = 1.0;
  double rho = 0.9;
  double eps = 1e-6;
  double weight_decay = 0;
  bool maximize = false;

  static constexpr std::string_view kName = "Adadelta";
  // Throws OptionError naming the first value out of range.
  void check() const;
  static std::span<const OptionField<AdadeltaOptions>> fields();
};

class Adadelta : public OptimizerWith<AdadeltaOptions> {
 public:
  Adadelta(const std::vector<Tensor>& params, AdadeltaOptions options = {});
  Adadelta(NamedParameters params, AdadeltaOptions options = {});

 protected:
  std::span<const std::string_view> buffer_names() const override;
  void update(const Tensor& param, const Tensor& grad, ParamState& state, const AdadeltaOptions& o) override;
};

}  // namespace descent::optim
