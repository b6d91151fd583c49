#pragma once
// AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", Algorithm 2), as
// torch.optim.AdamW (1.13):
//   g <- -g if maximize
//   p <- p * (1 - lr * weight_decay)          the decay, applied to the weights apart from the gradient
//   then Adam's moments and step from g, AMSGrad included (adam.hpp)
// Adam with weight_decay instead adds weight_decay * p to g, so the decay passes through m / sqrt(v)
// and is rescaled per coordinate: weights with large gradients are decayed less. Here every weight
// shrinks by the same factor. Where PyTorch departs from the paper: the paper multiplies the decay
// by the schedule multiplier eta_t alone (p <- p - eta_t lambda p), independent of the step size
// alpha; PyTorch multiplies it by lr, so a scheduled lr also schedules the decay, and the same
// weight_decay means a weaker decay at a smaller lr. The default weight_decay is 1e-2, not 0.
#include <span>
#include <string_view>
#include <vector>

#include "descent/optim/adam.hpp"

namespace descent::optim {

struct AdamWOptions {
  double lr = 1e-3;
  Betas betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;
  bool maximize = false;

  static constexpr std::string_view kName = "AdamW";
  // Throws OptionError naming the first value out of range.
  void check() const;
  static std::span<const OptionField<AdamWOptions>> fields();
};

class AdamW : public OptimizerWith<AdamWOptions> {
 public:
  AdamW(const std::vector<Tensor>& params, AdamWOptions options = {});
  AdamW(NamedParameters params, AdamWOptions options = {});

 protected:
  std::span<const std::string_view> buffer_names() const override;
  void update(const Tensor& param, const Tensor& grad, ParamState& state, const AdamWOptions& o) override;
};

}  // namespace descent::optim
