#include "descent/train/evaluator.hpp"

#include <algorithm>

#include "descent/autograd/grad_mode.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/train/pair_accuracy.hpp"

namespace descent::train {
namespace {

class ClassificationEvaluator : public Evaluator {
 public:
  explicit ClassificationEvaluator(const data::Dataset& test) : test_(test) {}

  // Correct predictions (argmax of the output against the label), in chunks.
  void evaluate(nn::Module& model, EpochResult& result) override {
    NoGradGuard no_grad;
    constexpr std::int64_t kChunk = 1000;
    std::int64_t correct = 0;
    const std::int64_t* labels = test_.targets.data<std::int64_t>();
    for (std::int64_t start = 0; start < test_.size(); start += kChunk) {
      const std::int64_t n = std::min(kChunk, test_.size() - start);
      const Tensor predicted = kernels::argmax(model(test_.inputs.view_narrowed(start, n)), 1, false);
      const std::int64_t* p = predicted.data<std::int64_t>();
      for (std::int64_t i = 0; i < n; ++i) correct += p[i] == labels[start + i];
    }
    result.test_correct = correct;
    result.test_total = test_.size();
  }

 private:
  const data::Dataset& test_;
};

class PairEvaluator : public Evaluator {
 public:
  PairEvaluator(const data::Dataset& train, const data::Dataset& test, nn::PairScore score)
      : train_(train), test_(test), score_(score) {}

  // The threshold is the training pairs' best; the test pairs only measure it.
  void evaluate(nn::Module& model, EpochResult& result) override {
    const PairThreshold t = best_threshold(pair_scores(model, train_, score_), similar_pairs(train_), score_);
    result.threshold = t.threshold;
    result.test_correct =
        count_correct_pairs(pair_scores(model, test_, score_), similar_pairs(test_), t.threshold, score_);
    result.test_total = test_.size();
  }

 private:
  const data::Dataset& train_;
  const data::Dataset& test_;
  nn::PairScore score_;
};

class RegressionEvaluator : public Evaluator {
 public:
  RegressionEvaluator(const data::Dataset& test, const LossFn& loss_fn) : test_(test), loss_fn_(loss_fn) {}

  // The mean loss over the test set, in one pass.
  void evaluate(nn::Module& model, EpochResult& result) override {
    NoGradGuard no_grad;
    result.test_loss = loss_fn_(model(test_.inputs), test_.targets).item();
  }

 private:
  const data::Dataset& test_;
  const LossFn& loss_fn_;
};

}  // namespace

TaskKind task_kind(const TrainData& data) {
  if (data.pairs) return TaskKind::Pairs;
  return data.classification ? TaskKind::Classification : TaskKind::Regression;
}

std::unique_ptr<Evaluator> make_evaluator(const TrainConfig& config, const TrainData& data, const LossFn& loss_fn) {
  switch (task_kind(data)) {
    case TaskKind::Classification: return std::make_unique<ClassificationEvaluator>(data.test);
    case TaskKind::Pairs: return std::make_unique<PairEvaluator>(data.train, data.test, *siamese_score(config));
    case TaskKind::Regression: return std::make_unique<RegressionEvaluator>(data.test, loss_fn);
  }
  return nullptr;
}

}  // namespace descent::train
