#pragma once
// Contrastive loss after Hadsell, Chopra and LeCun, "Dimensionality Reduction by Learning an Invariant
// Mapping", CVPR 2006 (eq. 4), for pairs of embeddings x1, x2, both (N, D) with labels y (N), or both
// (D) with a 0-d label:
//   l = 1/2 [y d^2 + (1 - y) max(0, margin - d)^2],   d = ||x1 - x2||_2   (no eps)
// reduced over the pairs (mean by default, sum, none); margin = 1 by default.
// Label convention: y = 1 for a similar pair (pulled together), y = 0 for a dissimilar pair (pushed
// at least `margin` apart). The paper writes the opposite, Y = 0 for similar and Y = 1 for dissimilar:
// swap the labels (1 - Y) when following it. A label other than 0 or 1 throws ValueError
// naming its index and value. PyTorch has no such loss; tests/reference/losses.py writes this formula
// with PyTorch ops. Composed from differentiable ops; at d = 0 the gradient of d is taken as 0 (as
// pairwise_distance's), so identical embeddings give a zero gradient for similar pairs and a finite
// one for dissimilar pairs.
#include "descent/nn/reduction.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

struct ContrastiveLoss {
  double margin = 1.0;
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input1, const Tensor& input2, const Tensor& target) const;
};

Tensor contrastive_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                        const ContrastiveLoss& options = {});
Tensor contrastive_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, Reduction reduction);

inline Tensor ContrastiveLoss::operator()(const Tensor& input1, const Tensor& input2, const Tensor& target) const {
  return contrastive_loss(input1, input2, target, *this);
}

}  // namespace descent::nn
