#pragma once
// Pair verification accuracy for a Siamese run: each pair is predicted similar when its score passes
// a threshold (cosine similarity > t, or Euclidean distance < t), the threshold chosen on the training
// pairs (the one with the most right answers there) and then applied to the test pairs, so the test
// pairs never pick it.
#include <cstdint>
#include <vector>

#include "descent/data/dataset.hpp"
#include "descent/nn/module.hpp"
#include "descent/nn/siamese.hpp"

namespace descent::train {

// The score of every pair in `pairs` under `model` (an nn::Siamese, or any module giving (N, 2, D)
// embeddings), without recording a graph, in chunks.
std::vector<double> pair_scores(nn::Module& model, const data::Dataset& pairs, nn::PairScore score);

// Whether each pair is a similar one: target > 0.5 (both +1 / -1 and 1 / 0 targets).
std::vector<bool> similar_pairs(const data::Dataset& pairs);

struct PairThreshold {
  double threshold = 0;
  std::int64_t correct = 0;  // on the pairs it was chosen on
};

// The threshold with the most right answers on these pairs: the midpoint between two neighbouring
// scores (or one beyond the smallest or largest), the lowest such for cosine, the highest for distance,
// when several tie.
PairThreshold best_threshold(const std::vector<double>& scores, const std::vector<bool>& similar, nn::PairScore score);

// Whether a pair of this score is called similar: cosine similarity > threshold, or distance < threshold.
bool predicted_similar(double score, double threshold, nn::PairScore kind);

// Right answers with `threshold`.
std::int64_t count_correct_pairs(const std::vector<double>& scores, const std::vector<bool>& similar, double threshold,
                                 nn::PairScore score);

}  // namespace descent::train
