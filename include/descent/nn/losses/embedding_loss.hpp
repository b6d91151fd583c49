#pragma once
// Embedding losses with targets y = +1 (similar: pull together) or -1 (dissimilar: push apart), as
// PyTorch 1.13 defines them (torch.nn.HingeEmbeddingLoss, CosineEmbeddingLoss). A target other than
// +1 or -1 throws ValueError naming its index and value (PyTorch silently gives such an element 0).
//   HingeEmbeddingLoss, on x (any shape; typically a distance between two inputs), y of x's shape:
//     l = x                      if y = 1
//         max(0, margin - x)     if y = -1        (margin = 1 by default)
//     reduced over every element (mean by default, sum, none).
//   CosineEmbeddingLoss, on x1, x2 (N, D) and y (N), or x1, x2 (D) and a 0-d y:
//     l = 1 - cos(x1, x2)                  if y = 1
//         max(0, cos(x1, x2) - margin)     if y = -1     (margin = 0 by default; [-1, 1] makes sense)
//     with PyTorch's cos = sum x1 x2 / sqrt((sum x1^2 + 1e-12)(sum x2^2 + 1e-12)) over D (this loss's
//     own guard against zero vectors, not cosine_similarity's clamp), reduced over the N pairs.
// Targets may be float or int64; they are labels, never differentiated. Composed from differentiable
// ops. At the kink of max(0, .) the gradient is that of the rising side, as PyTorch's clamp_min.
#include "descent/nn/reduction.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

struct HingeEmbeddingLoss {
  double margin = 1.0;
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input, const Tensor& target) const;
};

struct CosineEmbeddingLoss {
  double margin = 0.0;
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& input1, const Tensor& input2, const Tensor& target) const;
};

Tensor hinge_embedding_loss(const Tensor& input, const Tensor& target, const HingeEmbeddingLoss& options = {});
Tensor hinge_embedding_loss(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                             const CosineEmbeddingLoss& options = {});
Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, Reduction reduction);

inline Tensor HingeEmbeddingLoss::operator()(const Tensor& input, const Tensor& target) const {
  return hinge_embedding_loss(input, target, *this);
}
inline Tensor CosineEmbeddingLoss::operator()(const Tensor& input1, const Tensor& input2, const Tensor& target) const {
  return cosine_embedding_loss(input1, input2, target, *this);
}

}  // namespace descent::nn
