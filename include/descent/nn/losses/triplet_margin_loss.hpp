#pragma once
// Triplet margin loss, as PyTorch 1.13 defines it (torch.nn.TripletMarginLoss; Schroff, Kalenichenko
// and Philbin, "FaceNet", 2015; the swap of Balntas et al., "Learning local feature descriptors with
// triplets and shallow convolutional neural networks", BMVC 2016): for anchors a, positives p and
// negatives n, all (N, D) (or all (D)),
//   l_i = max(0, d(a_i, p_i) - d(a_i, n_i) + margin)
//   d(x, y) = pairwise_distance(x, y, p, eps) = ||x - y + eps||_p   (eps added to the difference)
// With swap, d(a_i, n_i) is replaced by min(d(a_i, n_i), d(p_i, n_i)), the harder negative distance.
// Defaults margin = 1, p = 2, eps = 1e-6, swap = false; reduced over the N triplets (mean by default,
// sum, none). Gradients flow to a, p and n. As in PyTorch, max(0, .) passes the gradient at its kink,
// and the swap's min gives each distance half of it at a tie.
#include "descent/nn/reduction.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

struct TripletMarginLoss {
  double margin = 1.0;
  double p = 2.0;  // the norm's order, p >= 1
  double eps = 1e-6;
  bool swap = false;
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& anchor, const Tensor& positive, const Tensor& negative) const;
};

Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                           const TripletMarginLoss& options = {});
Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative, Reduction reduction);

inline Tensor TripletMarginLoss::operator()(const Tensor& anchor, const Tensor& positive,
                                            const Tensor& negative) const {
  return triplet_margin_loss(anchor, positive, negative, *this);
}

}  // namespace descent::nn
