#pragma once
// Margin ranking loss, as PyTorch 1.13 defines it (torch.nn.MarginRankingLoss): for scores x1, x2 and
// targets y = +1 (x1 should rank higher) or -1 (x2 should), all of one shape,
//   l = max(0, -y (x1 - x2) + margin)        (margin = 0 by default)
// reduced over every element (mean by default, sum, none). A target other than +1 or -1 throws
// ValueError naming its index and value. At the kink of max(0, .) the gradient is that of the rising
// side, as PyTorch's clamp_min: tied scores (x1 = x2, margin 0) are still pushed apart.
#include "descent/nn/reduction.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

struct MarginRankingLoss {
  double margin = 0.0;
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input1, const Tensor& input2, const Tensor& target) const;
};

Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                           const MarginRankingLoss& options = {});
Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, Reduction reduction);

inline Tensor MarginRankingLoss::operator()(const Tensor& input1, const Tensor& input2, const Tensor& target) const {
  return margin_ranking_loss(input1, input2, target, *this);
}

}  // namespace descent::nn
