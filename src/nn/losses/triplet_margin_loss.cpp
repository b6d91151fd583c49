// TripletMarginLoss l = max(0, d(a, p) - d(a, n) + margin), d = ||x - y + eps||_p, the swap taking
// min(d(a, n), d(p, n)) (PyTorch 1.13; FaceNet 2015; Balntas et al. 2016).
#include "descent/nn/losses/triplet_margin_loss.hpp"

#include "../piecewise.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/nn/distance.hpp"
#include "target_checks.hpp"

namespace descent::nn {

Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                           const TripletMarginLoss& options) {
  const char* loss = "TripletMarginLoss";
  checks::same_shape(loss, anchor, "anchor", positive, "positive");
  checks::same_shape(loss, anchor, "anchor", negative, "negative");
  checks::is_floating(loss, anchor, "anchor");
  if (anchor.dim() != 1 && anchor.dim() != 2)
    throw ShapeError(std::string(loss) + ": inputs must be (N, D) or (D), got shape " + to_string(anchor.shape()));
  checks::option(loss, options.p >= 1, "p", options.p, "p >= 1");
  const Tensor d_positive = pairwise_distance(anchor, positive, options.p, options.eps);
  Tensor d_negative = pairwise_distance(anchor, negative, options.p, options.eps);
  if (options.swap) {
    // min(d(a, n), d(p, n))
    const Tensor d_swap = pairwise_distance(positive, negative, options.p, options.eps);
    d_negative = minimum(d_negative, d_swap);
  }
  // max(0, margin + d(a, p) - d(a, n))
  return reduce(hinge(options.margin + d_positive - d_negative), options.reduction);
}

Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative, Reduction reduction) {
  return triplet_margin_loss(anchor, positive, negative, TripletMarginLoss{.reduction = reduction});
}

}  // namespace descent::nn
