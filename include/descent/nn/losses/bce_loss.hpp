#pragma once
// Binary cross-entropy, as PyTorch 1.13 defines it (torch.nn.BCELoss, BCEWithLogitsLoss): elementwise
// for targets y in [0, 1], then reduced (the mean over every element by default, the sum, or none).
//   BCELoss, on probabilities x in [0, 1]:
//     l = -w [y log x + (1 - y) log(1 - x)]
//     Each log is clamped at -100, as PyTorch clamps it, so x = 0 or 1 gives a finite loss; the
//     gradient is w (x - y) / max(x (1 - x), 1e-12).
//   BCEWithLogitsLoss, on logits x (any real; sigmoid(x) is the probability):
//     l = -w [pw y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]
//       = w [(1 - y) x + (1 + (pw - 1) y) log(1 + e^-x)]
//     computed in the log-sum-exp form log(1 + e^-x) = m + log(e^-m + e^(-x-m)), m = max(-x, 0),
//     which never exponentiates a large positive number: logits of ±1000 give finite losses and
//     gradients. d/dx = w [(pw y + 1 - y) sigmoid(x) - pw y]. One fused op, forward and backward.
// weight w (optional) broadcasts to the input's shape (a weight per element, per class, ...);
// pos_weight pw (optional) weighs the positive term and broadcasts likewise, typically one per class,
// shape (C) for inputs (N, C): pw = negatives / positives balances a rare class. Neither is
// differentiated; gradients flow to x and to y.
#include "descent/nn/reduction.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

struct BCELoss {
  Tensor weight{};  // undefined: 1
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input, const Tensor& target) const;
};

struct BCEWithLogitsLoss {
  Tensor weight{};      // undefined: 1
  Tensor pos_weight{};  // undefined: 1
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input, const Tensor& target) const;
};

// input and target of the same shape, values in [0, 1] (the input too for BCELoss): ValueError
// naming the first element outside.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BCELoss& options = {});
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BCEWithLogitsLoss& options = {});
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, Reduction reduction);

inline Tensor BCELoss::operator()(const Tensor& input, const Tensor& target) const {
  return binary_cross_entropy(input, target, *this);
}
inline Tensor BCEWithLogitsLoss::operator()(const Tensor& input, const Tensor& target) const {
  return binary_cross_entropy_with_logits(input, target, *this);
}

}  // namespace descent::nn
