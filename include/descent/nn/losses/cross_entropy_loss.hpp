#pragma once
// Classification losses from class-index targets, as PyTorch 1.13 defines them (torch.nn.NLLLoss,
// CrossEntropyLoss): inputs x (N, C), targets y (N) of int64 class indices in [0, C).
//   NLLLoss, on log-probabilities x:   l_i = -w[y_i] x_i[y_i]
//   CrossEntropyLoss, on logits x, with label smoothing eps in [0, 1]:
//     l_i = -sum_c w[c] q_i[c] log softmax(x_i)[c],   q_i = (1 - eps) onehot(y_i) + eps / C
//     i.e. (1 - eps) w[y_i] (-log p_i[y_i]) + (eps / C) sum_c w[c] (-log p_i[c]), PyTorch's
//     cross_entropy with label_smoothing (Szegedy et al., "Rethinking the Inception Architecture",
//     2016), class weights included. eps = 0 is logsumexp(x_i) - x_i[y_i] for w = 1.
// w: optional class weights (C), not differentiated; undefined means 1.
// Reductions: none (l_i), sum, and mean, which is PyTorch's weighted mean sum_i l_i / sum_i w[y_i]
// (the smoothing term divided by the same sum); without weights it is sum_i l_i / N.
// Without weights or smoothing, cross_entropy is one stable fused op: its gradient is
// (softmax(x_i) - onehot(y_i)) times the reduction's factor. Otherwise it is composed from
// log_softmax, a constant coefficient matrix w[c] q_i[c], and a sum.
#include "descent/nn/reduction.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

struct CrossEntropyLoss {
  Tensor weight{};             // (C) class weights; undefined: all 1
  double label_smoothing = 0;  // eps in [0, 1]
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& logits, const Tensor& target) const;
};

struct NLLLoss {
  Tensor weight{};  // (C) class weights; undefined: all 1
  Reduction reduction = Reduction::Mean;
  Tensor operator()(const Tensor& log_probs, const Tensor& target) const;
};

// A target outside [0, C) throws ValueError naming its index and value.
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyLoss& options = {});
Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction);
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const NLLLoss& options = {});
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction);

inline Tensor CrossEntropyLoss::operator()(const Tensor& logits, const Tensor& target) const {
  return cross_entropy(logits, target, *this);
}
inline Tensor NLLLoss::operator()(const Tensor& log_probs, const Tensor& target) const {
  return nll_loss(log_probs, target, *this);
}

}  // namespace descent::nn
