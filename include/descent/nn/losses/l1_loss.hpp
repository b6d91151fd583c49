#pragma once
// Absolute-error losses and their smoothed forms, as PyTorch 1.13 defines them (torch.nn.L1Loss,
// HuberLoss, SmoothL1Loss), elementwise on the residual r = x - y, then reduced: the mean over every
// element (default), the sum, or none.
//   L1Loss:       l = |r|
//   HuberLoss:    l = r^2 / 2                if |r| < delta,   delta (|r| - delta / 2) otherwise
//                 (Huber, "Robust Estimation of a Location Parameter", 1964; delta > 0)
//   SmoothL1Loss: l = r^2 / (2 beta)         if |r| < beta,    |r| - beta / 2 otherwise
//                 (Girshick, "Fast R-CNN", 2015; beta >= 0, and beta = 0 is L1Loss). For beta > 0,
//                 SmoothL1Loss = HuberLoss / beta with delta = beta.
// Gradients (d/dx; d/dy is the negative): sign(r), 0 at r = 0 as PyTorch; Huber r inside, delta sign(r)
// outside; SmoothL1 r / beta inside, sign(r) outside.
#include "descent/nn/reduction.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

struct L1Loss {
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input, const Tensor& target) const;
};

struct HuberLoss {
  double delta = 1.0;
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input, const Tensor& target) const;
};

struct SmoothL1Loss {
  double beta = 1.0;
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input, const Tensor& target) const;
};

// input and target of the same shape; `options` as in huber_loss(x, y, {.delta = 0.5}).
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1Loss& options = {});
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLoss& options = {});
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1Loss& options = {});
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction);

inline Tensor L1Loss::operator()(const Tensor& input, const Tensor& target) const {
  return l1_loss(input, target, *this);
}
inline Tensor HuberLoss::operator()(const Tensor& input, const Tensor& target) const {
  return huber_loss(input, target, *this);
}
inline Tensor SmoothL1Loss::operator()(const Tensor& input, const Tensor& target) const {
  return smooth_l1_loss(input, target, *this);
}

}  // namespace descent::nn
