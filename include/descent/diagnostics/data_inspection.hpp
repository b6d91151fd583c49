#pragma once
// Looking at the data before any step: the scale of the inputs, and the labels of the training and
// test sets (their balance, and their order when batches are taken in stored order). Each returns the
// findings it makes (diagnostics/finding.hpp); thresholds and why: docs/diagnosis.md.
#include <cstdint>
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::diagnostics {

struct InputScale {
  double mean = 0, std = 0, max_abs = 0;  // over every element of the rows looked at
};
// Over up to 2,000 rows spread evenly through `inputs` (N, features...).
InputScale input_scale(const Tensor& inputs);

// unscaled_input when the inputs are far from unit scale: |mean| or std above 10, or a largest
// magnitude above 100 (raw 0-255 pixels have mean ~33-73, std ~80-90, max 255).
std::vector<Finding> inspect_inputs(const Tensor& train_inputs);

// class_imbalance when the most frequent training class has 10 times (problem) or 3 times (warning)
// the examples of the least frequent, or a class has none; suggestion: per-class loss weights, the
// square roots of n / (C count_c). A test set's imbalance is a warning (accuracy then says little).
// unshuffled_data when `shuffle` is false and consecutive training labels are equal far more often
// than chance gives (above 0.5 and above 3 times the rate of a shuffled order): each batch then holds
// one or few classes.
std::vector<Finding> inspect_labels(const Tensor& train_labels, const Tensor& test_labels, std::int64_t classes,
                                    bool shuffle);

}  // namespace descent::diagnostics
