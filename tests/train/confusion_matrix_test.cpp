// ConfusionMatrix: rows are true classes, columns predictions, as sklearn.metrics.confusion_matrix.
#include "descent/train/confusion_matrix.hpp"

#include <gtest/gtest.h>

#include "data/idx_files.hpp"
#include "descent/error.hpp"

namespace descent::train {
namespace {

using data::testing::error_message;
using data::testing::expect_contains;

TEST(ConfusionMatrixTest, CountsByTrueAndPredictedClass) {
  // sklearn.metrics.confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]) = [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
  ConfusionMatrix m(3);
  const int truth[] = {2, 0, 2, 2, 0, 1}, predicted[] = {0, 0, 2, 2, 0, 2};
  for (int i = 0; i < 6; ++i) m.add(truth[i], predicted[i]);
  const std::int64_t expected[3][3] = {{2, 0, 0}, {0, 0, 1}, {1, 0, 2}};
  for (int t = 0; t < 3; ++t)
    for (int p = 0; p < 3; ++p) EXPECT_EQ(m.at(t, p), expected[t][p]) << t << ", " << p;
  EXPECT_EQ(m.correct(), 4);
  EXPECT_EQ(m.total(), 6);
  EXPECT_EQ(m.names(), (std::vector<std::string>{"0", "1", "2"}));
}

TEST(ConfusionMatrixTest, BadArguments) {
  expect_contains(error_message<ValueError>([] { ConfusionMatrix(0); }), {"classes = 0: expected classes >= 1"});
  expect_contains(error_message<ValueError>([] { ConfusionMatrix(2, {"a"}); }),
                  {"1 names for 2 classes: expected one name per class"});
  ConfusionMatrix m(2, {"dissimilar", "similar"});
  expect_contains(error_message<ValueError>([&] { m.add(2, 0); }),
                  {"true class 2, predicted 0: expected both in [0, 2)"});
  expect_contains(error_message<ValueError>([&] { m.at(0, -1); }), {"expected both in [0, 2)"});
}

}  // namespace
}  // namespace descent::train
