#pragma once
// RMSprop (Tieleman & Hinton 2012, Lecture 6e of "Neural Networks for Machine Learning"; the centered
// form from Graves 2013, "Generating Sequences With Recurrent Neural Networks", eq. 38-41), as
// torch.optim.RMSprop (1.13):
//   g <- -g if maximize;  g <- g + weight_decay * p
//   v <- alpha * v + (1 - alpha) * g^2                       v: "square_avg"
//   centered: m <- alpha * m + (1 - alpha) * g               m: "grad_avg"
//             d <- sqrt(v - m^2) + eps
//   else:     d <- sqrt(v) + eps
//   momentum > 0: b <- momentum * b + g / d;  p <- p - lr * b          b: "momentum_buffer"
//   else:         p <- p - lr * g / d
// Where PyTorch departs from its sources: eps is added outside the square root (Graves, and
// TensorFlow's RMSProp, put it inside: sqrt(v - m^2 + eps)); the momentum buffer accumulates g / d
// and lr stays outside it (Graves scales inside: b <- momentum * b - lr * g / d).
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;
  bool maximize = false;

  static constexpr std::string_view kName = "RMSprop";
  // Throws OptionError naming the first value out of range.
  void check() const;
  static std::span<const OptionField<RMSpropOptions>> fields();
};

class RMSprop : public OptimizerWith<RMSpropOptions> {
 public:
  RMSprop(const std::vector<Tensor>& params, RMSpropOptions options = {});
  RMSprop(NamedParameters params, RMSpropOptions options = {});

 protected:
  std::span<const std::string_view> buffer_names() const override;
  void update(const Tensor& param, const Tensor& grad, ParamState& state, const RMSpropOptions& o) override;
};

}  // namespace descent::optim
