#include "descent/train/pair_accuracy.hpp"

#include <algorithm>
#include <numeric>

#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"

namespace descent::train {
bool predicted_similar(double score, double threshold, nn::PairScore kind) {
  return kind == nn::PairScore::Cosine ? score > threshold : score < threshold;
}

std::vector<double> pair_scores(nn::Module& model, const data::Dataset& pairs, nn::PairScore score) {
  NoGradGuard no_grad;
  constexpr std::int64_t kChunk = 1000;
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(pairs.size()));
  for (std::int64_t start = 0; start < pairs.size(); start += kChunk) {
    const std::int64_t n = std::min(kChunk, pairs.size() - start);
    const std::vector<double> s = nn::pair_score(model(pairs.input_rows(start, n)), score).to_vector();
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

std::vector<bool> similar_pairs(const data::Dataset& pairs) {
  const std::vector<double> targets = pairs.targets.to_vector();
  std::vector<bool> out(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) out[i] = targets[i] > 0.5;
  return out;
}

PairThreshold best_threshold(const std::vector<double>& scores, const std::vector<bool>& similar, nn::PairScore score) {
  if (scores.size() != similar.size() || scores.empty())
    throw ValueError("best_threshold: " + std::to_string(scores.size()) + " scores for " +
                     std::to_string(similar.size()) + " pairs: expected as many, at least one");
  // v = how alike a pair looks (the similarity, or minus the distance); a threshold between the k-th
  // and (k+1)-th smallest v calls the k below it dissimilar and the rest similar.
  const double sign = score == nn::PairScore::Cosine ? 1.0 : -1.0;
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return sign * scores[a] < sign * scores[b]; });
  const auto v = [&](std::size_t k) { return sign * scores[order[k]]; };
  const std::size_t n = order.size();
  std::int64_t correct = 0;  // with every pair called similar (k = 0)
  for (bool s : similar) correct += s;
  PairThreshold best{sign * (v(0) - 1.0), correct};
  for (std::size_t k = 1; k <= n; ++k) {
    correct += similar[order[k - 1]] ? -1 : 1;  // pair k - 1 is now called dissimilar
    if (k < n && v(k - 1) == v(k)) continue;    // no threshold separates equal scores
    if (correct > best.correct) best = {sign * (k < n ? (v(k - 1) + v(k)) / 2 : v(n - 1) + 1.0), correct};
  }
  return best;
}

std::int64_t count_correct_pairs(const std::vector<double>& scores, const std::vector<bool>& similar, double threshold,
                                 nn::PairScore score) {
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < scores.size(); ++i)
    correct += predicted_similar(scores[i], threshold, score) == similar[i];
  return correct;
}

}  // namespace descent::train
