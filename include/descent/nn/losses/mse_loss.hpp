#pragma once
// Squared-error losses.
//   MSELoss (PyTorch): l_i = (x_i - y_i)^2, reduced by mean (over every element), sum or none.
//   Quadratic cost (Nielsen, "Neural Networks and Deep Learning", eq. 6):
//     C = 1/(2n) sum_x |y(x) - a(x)|^2, the squared norm summed over outputs, averaged over the
//     n samples of the batch (rows of a 2-d input; a 1-d input is one sample).
#include "descent/nn/reduction.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

struct MSELoss {
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input, const Tensor& target) const;
};

// input and target of the same shape.
Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELoss& options = {});
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor quadratic_cost(const Tensor& output, const Tensor& target);

inline Tensor MSELoss::operator()(const Tensor& input, const Tensor& target) const {
  return mse_loss(input, target, *this);
}

struct QuadraticCost {
  Tensor operator()(const Tensor& output, const Tensor& target) const { return quadratic_cost(output, target); }
};

}  // namespace descent::nn
