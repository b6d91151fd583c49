#pragma once
// Adam (Kingma & Ba 2015, Algorithm 1), with AMSGrad (Reddi, Kale & Kumar 2018), as torch.optim.Adam (1.13):
//   g <- -g if maximize;  g <- g + weight_decay * p        (L2 in the gradient; adamw.hpp decouples it)
//   m <- beta1 * m + (1 - beta1) * g                        m: "exp_avg"
//   v <- beta2 * v + (1 - beta2) * g^2                      v: "exp_avg_sq"
//   amsgrad: vmax <- max(vmax, v), and v below means vmax   vmax: "max_exp_avg_sq"
//   p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// eps is added to the bias-corrected sqrt(v-hat), as in Algorithm 1 (not to the uncorrected sqrt(v)
// of the paper's faster form at the end of its section 2, which amounts to a larger eps early on).
// Where PyTorch departs from AMSGrad's paper: the paper keeps the max of v and uses no bias
// correction; PyTorch keeps the max of the uncorrected v and still divides by sqrt(1 - beta2^t).
#include <array>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

// (beta1, beta2): the decay rates of the first and second moment averages.
using Betas = std::pair<double, double>;

struct AdamOptions {
  double lr = 1e-3;
  Betas betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0;
  bool amsgrad = false;
  bool maximize = false;

  static constexpr std::string_view kName = "Adam";
  // Throws OptionError naming the first value out of range: "Adam: betas[0] = 1.5: expected 0 <= beta < 1".
  void check() const;
  static std::span<const OptionField<AdamOptions>> fields();
};

class Adam : public OptimizerWith<AdamOptions> {
 public:
  Adam(const std::vector<Tensor>& params, AdamOptions options = {});
  Adam(NamedParameters params, AdamOptions options = {});

 protected:
  std::span<const std::string_view> buffer_names() const override;
  void update(const Tensor& param, const Tensor& grad, ParamState& state, const AdamOptions& o) override;
};

namespace detail {
// Adam's and AdamW's update, one fused pass (kernels::adam_step_): weight_decay is Adam's L2 term in the
// gradient, decay the factor AdamW multiplies p by first (1 for Adam).
struct AdamStepOptions {
  double lr;
  Betas betas;
  double eps, weight_decay, decay;
  bool amsgrad, maximize;
};
void adam_step(const Tensor& p, const Tensor& grad, ParamState& state, const AdamStepOptions& o);
// The checks Adam and AdamW share.
void check_adam_options(std::string_view owner, double lr, Betas betas, double eps, double weight_decay);
extern const std::array<std::string_view, 3> kAdamBuffers;
}  // namespace detail

}  // namespace descent::optim
