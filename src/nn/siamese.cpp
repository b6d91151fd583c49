#include "descent/nn/siamese.hpp"

#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/autograd/ops/shape.hpp"
#include "descent/error.hpp"
#include "descent/nn/distance.hpp"

namespace descent::nn {

Siamese::Siamese(std::shared_ptr<Module> tower) : tower_(register_module("tower", std::move(tower))) {
  if (!tower_) throw ValueError("Siamese: the tower is null");
}

Tensor Siamese::forward(const Tensor& pairs) {
  if (pairs.dim() != 2 || pairs.size(1) % 2 != 0)
    throw ShapeError("Siamese: input of shape " + to_string(pairs.shape()) +
                     ": expected (N, 2F), each pair's two examples side by side");
  const std::int64_t n = pairs.size(0), f = pairs.size(1) / 2;
  // (N, 2F) -> (2N, F): row 2i is pair i's first example, row 2i + 1 its second.
  const Tensor out = tower_->forward(reshape(pairs, {2 * n, f}));
  if (out.dim() != 2 || out.size(0) != 2 * n)
    throw ShapeError("Siamese: the tower returned shape " + to_string(out.shape()) + " for " + std::to_string(2 * n) +
                     " examples: expected (" + std::to_string(2 * n) + ", D)");
  return reshape(out, {n, 2, out.size(1)});
}

std::pair<Tensor, Tensor> Siamese::halves(const Tensor& embeddings) {
  if (embeddings.dim() != 3 || embeddings.size(1) != 2)
    throw ShapeError("Siamese: embeddings of shape " + to_string(embeddings.shape()) + ": expected (N, 2, D)");
  const std::int64_t n = embeddings.size(0), d = embeddings.size(2);
  const Tensor both = transpose(embeddings, 0, 1);  // (2, N, D)
  return {reshape(slice(both, 0, 1), {n, d}), reshape(slice(both, 1, 2), {n, d})};
}

Tensor pair_score(const Tensor& embeddings, PairScore score) {
  const auto [x1, x2] = Siamese::halves(embeddings);
  if (score == PairScore::Cosine) return cosine_similarity(x1, x2, 1);
  return pairwise_distance(x1, x2, 2.0, 0.0);
}

}  // namespace descent::nn
