#include "descent/train/pair_accuracy.hpp"

#include <gtest/gtest.h>

#include "descent/error.hpp"

namespace descent::train {
namespace {

using nn::PairScore;

TEST(PairAccuracy, CosineThresholdMaximizesTheRightAnswers) {
  // Similar pairs score 0.9, 0.8, 0.3; dissimilar 0.5, 0.1, -0.2. Best: between 0.5 and 0.8 (5 of 6).
  const std::vector<double> s = {0.9, 0.5, 0.8, 0.1, 0.3, -0.2};
  const std::vector<bool> similar = {true, false, true, false, true, false};
  const PairThreshold t = best_threshold(s, similar, PairScore::Cosine);
  EXPECT_EQ(t.correct, 5);
  EXPECT_GT(t.threshold, 0.1);
  EXPECT_LT(t.threshold, 0.8);
  EXPECT_EQ(count_correct_pairs(s, similar, t.threshold, PairScore::Cosine), 5);
  EXPECT_EQ(count_correct_pairs(s, similar, 0.65, PairScore::Cosine), 5);
  EXPECT_EQ(count_correct_pairs(s, similar, 2.0, PairScore::Cosine), 3);  // every pair called dissimilar
}

TEST(PairAccuracy, DistanceThresholdCallsCloserPairsSimilar) {
  const std::vector<double> d = {0.1, 2.0, 0.4, 1.5, 0.2, 0.3};
  const std::vector<bool> similar = {true, false, true, false, true, false};
  const PairThreshold t = best_threshold(d, similar, PairScore::Euclidean);
  EXPECT_EQ(t.correct, 5);  // 0.3 is a dissimilar pair among the similar ones
  EXPECT_EQ(count_correct_pairs(d, similar, t.threshold, PairScore::Euclidean), 5);
  const PairThreshold perfect = best_threshold({0.1, 2.0}, {true, false}, PairScore::Euclidean);
  EXPECT_EQ(perfect.correct, 2);
  EXPECT_DOUBLE_EQ(perfect.threshold, 1.05);
}

TEST(PairAccuracy, TiedScoresAreNotSplit) {
  const PairThreshold t = best_threshold({0.5, 0.5, 0.5}, {true, false, true}, PairScore::Cosine);
  EXPECT_EQ(t.correct, 2);
  EXPECT_EQ(count_correct_pairs({0.5, 0.5, 0.5}, {true, false, true}, t.threshold, PairScore::Cosine), 2);
  EXPECT_THROW(best_threshold({}, {}, PairScore::Cosine), ValueError);
}

}  // namespace
}  // namespace descent::train
