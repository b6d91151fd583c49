#include "descent/diagnostics/data_inspection.hpp"

#include <algorithm>
#include <cmath>

#include "descent/tensor/kernels/indexing.hpp"
#include "descent/util/number_text.hpp"

namespace descent::diagnostics {
namespace {

using util::short_number;

std::vector<std::int64_t> counts(const std::vector<double>& labels, std::int64_t classes) {
  std::vector<std::int64_t> c(static_cast<std::size_t>(classes), 0);
  for (double y : labels)
    if (y >= 0 && y < static_cast<double>(classes)) ++c[static_cast<std::size_t>(y)];
  return c;
}

// The imbalance of one set: max count / min count, or a finding when it is large.
void imbalance(const std::vector<double>& labels, std::int64_t classes, bool training, std::vector<Finding>& out) {
  if (labels.empty() || classes < 2) return;
  const std::vector<std::int64_t> c = counts(labels, classes);
  const auto [lo, hi] = std::minmax_element(c.begin(), c.end());
  const double ratio = *lo > 0 ? static_cast<double>(*hi) / static_cast<double>(*lo) : INFINITY;
  if (ratio < 3) return;
  Finding f;
  f.cause = "class_imbalance";
  f.severity = training && ratio >= 10 ? Severity::Problem : Severity::Warning;
  f.where = training ? "training set" : "test set";
  f.evidence = "the " + f.where + " has " + std::to_string(*hi) + " examples of class " +
               std::to_string(hi - c.begin()) + " but " + std::to_string(*lo) + " of class " +
               std::to_string(lo - c.begin()) + " (" +
               (std::isfinite(ratio) ? short_number(ratio) + " times" : "none") +
               "): a model that favours the frequent classes scores well on the loss and badly on the rare ones";
  if (training) {
    const double n = static_cast<double>(labels.size());
    // The square roots of the inverse frequencies: full inverse weights (n / (C count_c)) balance the
    // loss exactly but multiply the rare classes' steps by the imbalance ratio, which destabilises
    // training at the same lr (measured on examples/faults/class_imbalance_mlp.toml: balanced test
    // accuracy 64% unweighted, 63% inverse, 71% square-root inverse).
    for (std::int64_t k : c) f.suggestion.push_back(k > 0 ? std::sqrt(n / static_cast<double>(classes * k)) : 1.0);
    f.fix_text = "weight the loss by inverse class frequency (or resample the classes to balance them)";
  } else {
    f.fix_text = "measure per-class accuracy, or test on a balanced set";
  }
  out.push_back(std::move(f));
}

}  // namespace

InputScale input_scale(const Tensor& inputs) {
  InputScale s;
  const std::int64_t n = inputs.shape()[0];
  if (n == 0) return s;
  const std::int64_t rows = std::min<std::int64_t>(n, 2000);
  std::vector<std::int64_t> picked(static_cast<std::size_t>(rows));
  for (std::int64_t r = 0; r < rows; ++r) picked[static_cast<std::size_t>(r)] = r * n / rows;
  const std::vector<double> v = kernels::index_select_rows(inputs, picked.data(), rows).to_vector();
  double sum = 0, sq = 0;
  for (double x : v) {
    sum += x;
    sq += x * x;
    s.max_abs = std::max(s.max_abs, std::abs(x));
  }
  const auto count = static_cast<double>(v.size());
  s.mean = sum / count;
  s.std = std::sqrt(std::max(0.0, sq / count - s.mean * s.mean));
  return s;
}

std::vector<Finding> inspect_inputs(const Tensor& train_inputs) {
  std::vector<Finding> out;
  if (!train_inputs.defined() || train_inputs.numel() == 0) return out;
  const InputScale s = input_scale(train_inputs);
  if (std::abs(s.mean) > 10 || s.std > 10 || s.max_abs > 100) {
    Finding f;
    f.cause = "unscaled_input";
    f.where = "data";
    f.evidence = "the training inputs have mean " + short_number(s.mean) + ", standard deviation " +
                 short_number(s.std) + " and largest magnitude " + short_number(s.max_abs) +
                 ": pre-activations and gradients scale with them, far from the unit scale that inits and "
                 "learning rates assume";
    f.fix_text = "standardize the inputs (mean 0, standard deviation 1 per channel)";
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> inspect_labels(const Tensor& train_labels, const Tensor& test_labels, std::int64_t classes,
                                    bool shuffle) {
  std::vector<Finding> out;
  const std::vector<double> train = train_labels.defined() ? train_labels.to_vector() : std::vector<double>{};
  imbalance(train, classes, true, out);
  if (test_labels.defined()) imbalance(test_labels.to_vector(), classes, false, out);
  if (!shuffle && train.size() > 2) {
    std::int64_t same = 0;
    for (std::size_t i = 1; i < train.size(); ++i) same += train[i] == train[i - 1];
    const double rate = static_cast<double>(same) / static_cast<double>(train.size() - 1);
    double expected = 0;  // the chance two random draws agree: sum of squared class frequencies
    for (std::int64_t k : counts(train, classes)) {
      const double p = static_cast<double>(k) / static_cast<double>(train.size());
      expected += p * p;
    }
    if (rate > 0.5 && rate > 3 * expected) {
      Finding f;
      f.cause = "unshuffled_data";
      f.where = "data.shuffle";
      f.evidence = "batches are taken in stored order and " + short_number(100 * rate) +
                   "% of consecutive training labels are equal (" + short_number(100 * expected) +
                   "% in a shuffled order): each batch pulls the model toward a few classes, and the last ones "
                   "seen win";
      f.fix_text = "shuffle the training set every epoch";
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace descent::diagnostics
