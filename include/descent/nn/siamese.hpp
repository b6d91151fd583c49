#pragma once
// Siamese network (Bromley et al., "Signature Verification using a Siamese Time Delay Neural
// Network", NIPS 1993): one tower maps both examples of a pair to embeddings, which a similarity or
// distance compares. The tower is registered once, as child "tower", so both uses share its
// parameters, and each parameter's gradient is the sum of the two uses' gradients.
//
//   auto siamese = std::make_shared<nn::Siamese>(tower);      // tower: (B, F) -> (B, D)
//   Tensor e = siamese->forward(pairs);                       // pairs (N, 2F) -> embeddings (N, 2, D)
//   auto [x1, x2] = nn::Siamese::halves(e);                   // (N, D) each
//   Tensor loss = nn::cosine_embedding_loss(x1, x2, targets);
//
// forward runs the tower once on the 2N examples (the pair's two rows stacked, (N, 2F) -> (2N, F)),
// one batch instead of two: the same gradients, a layer with batch statistics (BatchNorm) sees both
// halves together.
#include <memory>
#include <string>
#include <utility>

#include "descent/nn/module.hpp"

namespace descent::nn {

// How a pair's embeddings are scored: their cosine similarity (higher: more alike) or their Euclidean
// distance (lower: more alike).
enum class PairScore { Cosine, Euclidean };

class Siamese : public Module {
 public:
  explicit Siamese(std::shared_ptr<Module> tower);

  // (N, 2F) pairs, the first example's F features then the second's -> (N, 2, D) embeddings. The tower
  // sees (2N, F) rows; a tower that needs another shape (an image) reshapes them itself.
  Tensor forward(const Tensor& pairs) override;
  // Both embeddings, (N, D) each.
  std::pair<Tensor, Tensor> embed(const Tensor& pairs) { return halves(forward(pairs)); }
  std::string describe() const override { return "Siamese"; }

  const std::shared_ptr<Module>& tower() const { return tower_; }

  // (N, 2, D) -> the first and the second embedding of each pair, (N, D) each (differentiable).
  static std::pair<Tensor, Tensor> halves(const Tensor& embeddings);

 private:
  std::shared_ptr<Module> tower_;
};

// The score of each pair from (N, 2, D) embeddings, (N): cosine_similarity(x1, x2) (distance.hpp) or
// ||x1 - x2||_2 (no eps, as ContrastiveLoss measures it). Differentiable.
Tensor pair_score(const Tensor& embeddings, PairScore score);

}  // namespace descent::nn
