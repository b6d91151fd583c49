#pragma once
// Adagrad (Duchi, Hazan & Singer 2011, the diagonal form of eq. 1), as torch.optim.Adagrad (1.13):
//   g <- -g if maximize;  g <- g + weight_decay * p
//   clr <- lr / (1 + (t - 1) * lr_decay)                     t: this parameter's step count, from 1
//   s <- s + g * g                                           s ("sum") starts at initial_accumulator_value
//   p <- p - clr * g / (sqrt(s) + eps)
// Where PyTorch departs from the paper: lr_decay (an inverse-time decay of the step size) and
// initial_accumulator_value are its own additions; the paper's diagonal update divides by
// delta + sqrt(s), as here, with eps playing delta. PyTorch fills s when the optimizer is built;
// descent fills it at the parameter's first step, which gives the same numbers.
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
  bool maximize = false;

  static constexpr std::string_view kName = "Adagrad";
  // Throws OptionError naming the first value out of range.
  void check() const;
  static std::span<const OptionField<AdagradOptions>> fields();
};

class Adagrad : public OptimizerWith<AdagradOptions> {
 public:
  Adagrad(const std::vector<Tensor>& params, AdagradOptions options = {});
  Adagrad(NamedParameters params, AdagradOptions options = {});

 protected:
  std::span<const std::string_view> buffer_names() const override;
  void update(const Tensor& param, const Tensor& grad, ParamState& state, const AdagradOptions& o) override;
};

}  // namespace descent::optim
