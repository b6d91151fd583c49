#pragma once
// The optimizer base: it owns the parameters (with stable names), the loop over them, zero_grad()
// and the learning rate; each rule implements only its per-tensor update.
#include <string>
#include <utility>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent::optim {

using NamedParameters = std::vector<std::pair<std::string, Tensor>>;

class Optimizer {
 public:
  // Unnamed parameters are named by position: "0", "1", ...
  explicit Optimizer(const std::vector<Tensor>& params);
  explicit Optimizer(NamedParameters params);
  virtual ~Optimizer() = default;

  // One update of every parameter that has a gradient, under no-grad.
  void step();
  // Drops the gradients (set_to_none, PyTorch's default) or fills them with zeros.
  void zero_grad(bool set_to_none = true);

  virtual double lr() const = 0;
  virtual void set_lr(double lr) = 0;
  const NamedParameters& named_parameters() const { return params_; }

 protected:
  // Updates params_[index] in place from its gradient.
  virtual void update(std::size_t index, const Tensor& param, const Tensor& grad) = 0;

 private:
  NamedParameters params_;
};

}  // namespace descent::optim
