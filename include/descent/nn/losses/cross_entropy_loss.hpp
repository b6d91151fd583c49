#pragma once
// Classification losses from class-index targets (int64).
//   CrossEntropyLoss (PyTorch): l_i = -log softmax(x_i)[y_i] = logsumexp(x_i) - x_i[y_i] for logits
//   x (N, C) and targets y (N), reduced by mean over the N samples, sum, or none. Computed as one
//   stable op: the gradient is (softmax(x_i) - onehot(y_i)) times the reduction's weight.
//   NLLLoss (PyTorch): l_i = -x_i[y_i] for log-probabilities x.
#include "descent/nn/reduction.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction = Reduction::Mean);

struct CrossEntropyLoss {
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& logits, const Tensor& target) const { return cross_entropy(logits, target, reduction); }
};

struct NLLLoss {
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& log_probs, const Tensor& target) const { return nll_loss(log_probs, target, reduction); }
};

}  // namespace descent::nn
