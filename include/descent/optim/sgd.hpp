#pragma once
// Stochastic gradient descent, as torch.optim.SGD (1.13):
//   g <- -g if maximize;  g <- g + weight_decay * p
//   b <- g (first step), else b <- momentum * b + (1 - dampening) * g      (only when momentum != 0)
//   g <- g + momentum * b (nesterov), else g <- b                          (likewise)
//   p <- p - lr * g
// Momentum is Polyak's heavy ball (1964) in the form of Sutskever et al. (2013, eq. 1-2), where PyTorch
// departs from the paper: Sutskever's v <- mu v - lr grad, p <- p + v puts the learning rate inside the
// buffer; PyTorch keeps lr outside (p <- p - lr b), so changing lr mid-run rescales the past steps
// too. The two agree while lr is constant. PyTorch's first step also fills b with g, undamped.
// Nesterov: Sutskever's eq. 3-4 take the gradient at the look-ahead point p + mu v; PyTorch (after
// Bengio et al. 2013) takes it at p and steps along g + mu b.
// With the batch-mean loss, lr is Nielsen's eta: w <- w - (eta/m) sum_x grad C_x.
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct SGDOptions {
  double lr = 1e-3;
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
  bool maximize = false;

  static constexpr std::string_view kName = "SGD";
  // Throws OptionError naming the first value out of range.
  void check() const;
  static std::span<const OptionField<SGDOptions>> fields();
};

class SGD : public OptimizerWith<SGDOptions> {
 public:
  SGD(const std::vector<Tensor>& params, SGDOptions options = {});
  SGD(NamedParameters params, SGDOptions options = {});

 protected:
  std::span<const std::string_view> buffer_names() const override;
  std::optional<double> plain_rate_of(std::size_t group) const override;
  void update(const Tensor& param, const Tensor& grad, ParamState& state, const SGDOptions& o) override;
};

}  // namespace descent::optim
