// Looking at the data before any step: the scale of the inputs (unscaled_input), the balance of the
// labels (class_imbalance, with the loss weights it suggests) and their stored order (unshuffled_data).
#include "descent/diagnostics/data_inspection.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "descent/tensor/creation.hpp"
#include "descent/tensor/generator.hpp"
#include "support/text.hpp"

namespace descent::diagnostics {
namespace {

using descent::testing::contains;

// Labels 0, 1, ... with counts[k] examples of class k, in class order (sorted).
Tensor sorted_labels(const std::vector<std::int64_t>& counts) {
  std::vector<std::int64_t> y;
  for (std::size_t k = 0; k < counts.size(); ++k)
    y.insert(y.end(), static_cast<std::size_t>(counts[k]), static_cast<std::int64_t>(k));
  return from_vector(y, {static_cast<std::int64_t>(y.size())});
}

// The same labels in a random order (Fisher-Yates with a seeded generator).
Tensor shuffled_labels(const std::vector<std::int64_t>& counts, std::uint64_t seed) {
  std::vector<std::int64_t> y;
  for (std::size_t k = 0; k < counts.size(); ++k)
    y.insert(y.end(), static_cast<std::size_t>(counts[k]), static_cast<std::int64_t>(k));
  Generator gen(seed);
  for (std::size_t i = y.size(); i > 1; --i) std::swap(y[i - 1], y[gen.below(i)]);
  return from_vector(y, {static_cast<std::int64_t>(y.size())});
}

std::vector<Finding> of_cause(const std::vector<Finding>& findings, const std::string& cause) {
  std::vector<Finding> out;
  for (const Finding& f : findings)
    if (f.cause == cause) out.push_back(f);
  return out;
}

TEST(DataInspection, InputScaleIsTheMeanStdAndLargestMagnitudeOfEveryElement) {
  // Elements -4, 1, 2, 3 (two rows of two): mean 0.5, population variance (16+1+4+9)/4 - 0.25 = 7.25.
  const InputScale s = input_scale(from_vector(std::vector<double>{-4, 1, 2, 3}, {2, 2}));
  EXPECT_DOUBLE_EQ(s.mean, 0.5);
  EXPECT_NEAR(s.std, std::sqrt(7.25), 1e-12);
  EXPECT_DOUBLE_EQ(s.max_abs, 4);
  // (N, C, H, W) images count every pixel: a constant 7 has mean 7 and std 0.
  const InputScale images = input_scale(full({3, 1, 2, 2}, 7.0));
  EXPECT_DOUBLE_EQ(images.mean, 7);
  EXPECT_DOUBLE_EQ(images.std, 0);
}

TEST(DataInspection, InputScaleLooksAtTwoThousandRowsSpreadEvenly) {
  // 4,000 rows, the even ones 1 and the odd ones 0: rows r * 4000 / 2000 = 2r are all even, so the
  // rows looked at are all ones (mean 1, std 0), where every row would give mean 0.5.
  std::vector<double> v(4000 * 3);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = (i / 3) % 2 == 0 ? 1.0 : 0.0;
  const InputScale s = input_scale(from_vector(v, {4000, 3}));
  EXPECT_DOUBLE_EQ(s.mean, 1);
  EXPECT_DOUBLE_EQ(s.std, 0);
  EXPECT_TRUE(std::isfinite(input_scale(zeros({0, 3})).mean));  // no rows: zeros, not NaN
}

TEST(DataInspection, UnscaledInputFiresOnRawPixelsOnly) {
  // Raw bytes 0-255 (a ramp: mean 127.5): far from unit scale.
  std::vector<double> bytes(1000 * 16);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<double>(i % 256);
  const auto raw = inspect_inputs(from_vector(bytes, {1000, 16}));
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_EQ(raw[0].cause, "unscaled_input");
  EXPECT_EQ(raw[0].severity, Severity::Problem);
  EXPECT_EQ(raw[0].where, "data");
  EXPECT_TRUE(contains(raw[0].evidence, "largest magnitude 255")) << raw[0].evidence;
  // The same pixels divided by 255 (data.normalize = "unit"), and standardized N(0, 1) data: no finding.
  for (double& x : bytes) x /= 255;
  EXPECT_TRUE(inspect_inputs(from_vector(bytes, {1000, 16})).empty());
  Generator gen(1);
  EXPECT_TRUE(inspect_inputs(randn({1000, 16}, Dtype::Float32, &gen)).empty());
  EXPECT_TRUE(inspect_inputs(Tensor()).empty());
}

TEST(DataInspection, ImbalanceOfTenTimesIsAProblemWithSquareRootWeights) {
  // Counts 50, 10, 5: the largest is 10 times the smallest.
  const auto found = inspect_labels(shuffled_labels({50, 10, 5}, 1), Tensor(), 3, true);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found[0];
  EXPECT_EQ(f.cause, "class_imbalance");
  EXPECT_EQ(f.severity, Severity::Problem);
  EXPECT_EQ(f.where, "training set");
  EXPECT_TRUE(contains(f.evidence, "50 examples of class 0 but 5 of class 2 (10 times)")) << f.evidence;
  // sqrt(n / (C count_c)) with n = 65, C = 3: sqrt(65/150), sqrt(65/30), sqrt(65/15) (Python's math.sqrt).
  ASSERT_EQ(f.suggestion.size(), 3u);
  EXPECT_NEAR(f.suggestion[0], 0.6582805886043833, 1e-12);
  EXPECT_NEAR(f.suggestion[1], 1.4719601443879744, 1e-12);
  EXPECT_NEAR(f.suggestion[2], 2.0816659994661326, 1e-12);
}

TEST(DataInspection, ImbalanceBetweenThreeAndTenTimesIsAWarningAndBelowThreeNothing) {
  const auto three = inspect_labels(shuffled_labels({30, 10, 10}, 2), Tensor(), 3, true);
  ASSERT_EQ(three.size(), 1u);
  EXPECT_EQ(three[0].severity, Severity::Warning);
  const auto nine = inspect_labels(shuffled_labels({90, 10, 10}, 3), Tensor(), 3, true);
  ASSERT_EQ(nine.size(), 1u);
  EXPECT_EQ(nine[0].severity, Severity::Warning);
  EXPECT_TRUE(inspect_labels(shuffled_labels({29, 10, 10}, 4), Tensor(), 3, true).empty());  // 2.9 times
  EXPECT_TRUE(inspect_labels(shuffled_labels({10, 10, 10}, 5), Tensor(), 3, true).empty());
}

TEST(DataInspection, AMissingClassIsAProblem) {
  // Three classes declared, labels only of 0 and 1: the ratio is infinite.
  const auto found = inspect_labels(shuffled_labels({10, 10, 0}, 6), Tensor(), 3, true);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::Problem);
  EXPECT_TRUE(contains(found[0].evidence, "but 0 of class 2 (none)")) << found[0].evidence;
  // sqrt(20 / (3 x 10)) for the two present classes; 1 for the missing one (no weight to compute).
  ASSERT_EQ(found[0].suggestion.size(), 3u);
  EXPECT_NEAR(found[0].suggestion[0], 0.816496580927726, 1e-12);
  EXPECT_NEAR(found[0].suggestion[1], 0.816496580927726, 1e-12);
  EXPECT_EQ(found[0].suggestion[2], 1.0);
}

TEST(DataInspection, AnImbalancedTestSetIsOnlyAWarning) {
  // A balanced training set and a test set with 30 of class 0 and 2 of class 1 (15 times).
  const auto found = inspect_labels(shuffled_labels({20, 20}, 7), sorted_labels({30, 2}), 2, true);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].cause, "class_imbalance");
  EXPECT_EQ(found[0].severity, Severity::Warning);
  EXPECT_EQ(found[0].where, "test set");
  EXPECT_TRUE(found[0].suggestion.empty());  // loss weights are for training
}

TEST(DataInspection, UnshuffledDataFiresForSortedLabelsTakenInStoredOrder) {
  // 10 classes of 100, sorted: 990 of 999 neighbours agree (99.1%), against 10% by chance.
  const Tensor sorted = sorted_labels(std::vector<std::int64_t>(10, 100));
  const auto found = of_cause(inspect_labels(sorted, Tensor(), 10, false), "unshuffled_data");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].where, "data.shuffle");
  EXPECT_TRUE(contains(found[0].evidence, "99.1% of consecutive training labels are equal (10% in a shuffled order)"))
      << found[0].evidence;
  // The loader shuffles (shuffle = true): the stored order does not matter.
  EXPECT_TRUE(inspect_labels(sorted, Tensor(), 10, true).empty());
  // A random order taken as stored: neighbours agree about 10% of the time.
  EXPECT_TRUE(inspect_labels(shuffled_labels(std::vector<std::int64_t>(10, 100), 8), Tensor(), 10, false).empty());
}

}  // namespace
}  // namespace descent::diagnostics
