#include "descent/train/confusion_matrix.hpp"

#include <numeric>

#include "descent/error.hpp"

namespace descent::train {

ConfusionMatrix::ConfusionMatrix(std::int64_t classes, std::vector<std::string> names) : names_(std::move(names)) {
  if (classes < 1)
    throw ValueError("ConfusionMatrix: classes = " + std::to_string(classes) + ": expected classes >= 1");
  if (names_.empty())
    for (std::int64_t c = 0; c < classes; ++c) names_.push_back(std::to_string(c));
  if (static_cast<std::int64_t>(names_.size()) != classes)
    throw ValueError("ConfusionMatrix: " + std::to_string(names_.size()) + " names for " + std::to_string(classes) +
                     " classes: expected one name per class");
  counts_.assign(static_cast<std::size_t>(classes * classes), 0);
}

void ConfusionMatrix::add(std::int64_t truth, std::int64_t predicted) {
  const std::int64_t n = classes();
  if (truth < 0 || truth >= n || predicted < 0 || predicted >= n)
    throw ValueError("ConfusionMatrix::add: true class " + std::to_string(truth) + ", predicted " +
                     std::to_string(predicted) + ": expected both in [0, " + std::to_string(n) + ")");
  ++counts_[static_cast<std::size_t>(truth * n + predicted)];
}

std::int64_t ConfusionMatrix::at(std::int64_t truth, std::int64_t predicted) const {
  const std::int64_t n = classes();
  if (truth < 0 || truth >= n || predicted < 0 || predicted >= n)
    throw ValueError("ConfusionMatrix::at: (" + std::to_string(truth) + ", " + std::to_string(predicted) +
                     "): expected both in [0, " + std::to_string(n) + ")");
  return counts_[static_cast<std::size_t>(truth * n + predicted)];
}

std::int64_t ConfusionMatrix::correct() const {
  std::int64_t sum = 0;
  for (std::int64_t c = 0; c < classes(); ++c) sum += counts_[static_cast<std::size_t>(c * classes() + c)];
  return sum;
}

std::int64_t ConfusionMatrix::total() const { return std::accumulate(counts_.begin(), counts_.end(), std::int64_t{0}); }

}  // namespace descent::train
