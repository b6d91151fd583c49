#pragma once
// A confusion matrix, as sklearn.metrics.confusion_matrix lays it out: row = the true class, column =
// the predicted one, so the diagonal holds the right answers, row sums the examples of each class and
// column sums the predictions of each class.
//   ConfusionMatrix m(3);
//   m.add(/*truth=*/2, /*predicted=*/0);
//   m.at(2, 0) == 1; m.correct() == 0; m.total() == 1
#include <cstdint>
#include <string>
#include <vector>

namespace descent::train {

class ConfusionMatrix {
 public:
  // `classes` >= 1 rows and columns, the classes named "0", "1", ... unless `names` gives one name per
  // class ("dissimilar", "similar"). ValueError for no classes or a wrong count of names.
  explicit ConfusionMatrix(std::int64_t classes, std::vector<std::string> names = {});

  // One example more. ValueError when either class lies outside [0, classes).
  void add(std::int64_t truth, std::int64_t predicted);

  std::int64_t classes() const { return static_cast<std::int64_t>(names_.size()); }
  const std::vector<std::string>& names() const { return names_; }
  std::int64_t at(std::int64_t truth, std::int64_t predicted) const;
  std::int64_t correct() const;  // the diagonal's sum
  std::int64_t total() const;    // every count's sum

 private:
  std::vector<std::string> names_;
  std::vector<std::int64_t> counts_;  // row-major: counts_[truth * classes + predicted]
};

}  // namespace descent::train
