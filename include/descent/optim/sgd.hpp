#pragma once
// Stochastic gradient descent, as torch.optim.SGD (Sutskever et al. 2013 for momentum, in PyTorch's
// form, which differs from the paper: the learning rate multiplies the whole buffer):
//   g <- -g if maximize;  g <- g + weight_decay * p
//   b <- g (first step), else b <- momentum * b + (1 - dampening) * g
//   g <- g + momentum * b (nesterov), else g <- b          (only when momentum != 0)
//   p <- p - lr * g
// With the batch-mean loss, lr is Nielsen's eta: w <- w - (eta/m) sum_x grad C_x.
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
};

class SGD : public Optimizer {
 public:
  SGD(const std::vector<Tensor>& params, SGDOptions options);
  SGD(NamedParameters params, SGDOptions options);

  double lr() const override { return options_.lr; }
  void set_lr(double lr) override { options_.lr = lr; }
  const SGDOptions& options() const { return options_; }

 protected:
  void update(std::size_t index, const Tensor& param, const Tensor& grad) override;

 private:
  static SGDOptions validated(SGDOptions o);
  SGDOptions options_;
  std::vector<Tensor> momentum_buffer_;  // per parameter; undefined until its first step
};

}  // namespace descent::optim
