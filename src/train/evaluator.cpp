#include "descent/train/evaluator.hpp"

#include <algorithm>

#include "descent/autograd/grad_mode.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/train/pair_accuracy.hpp"

namespace descent::train {
namespace {

class ClassificationEvaluator : public Evaluator {
 public:
  ClassificationEvaluator(const TrainData& data, const LossFn& loss_fn) : data_(data), loss_fn_(loss_fn) {}

  void evaluate(nn::Module& model, EpochResult& result) override {
    const Classified test = classify(model, data_.test, loss_fn_);
    result.test_correct = test.correct;
    result.test_total = data_.test.size();
    result.test_loss = test.loss;
    result.test_loss_measured = true;
    if (data_.validation.size() == 0) return;
    const Classified val = classify(model, data_.validation, loss_fn_);
    result.validated = true;
    result.val_loss = val.loss;
    result.val_correct = val.correct;
    result.val_total = data_.validation.size();
  }

 private:
  const TrainData& data_;
  const LossFn& loss_fn_;
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
  RegressionEvaluator(const TrainData& data, const LossFn& loss_fn) : data_(data), loss_fn_(loss_fn) {}

  // The mean loss over the test set (and the validation set), in one pass each.
  void evaluate(nn::Module& model, EpochResult& result) override {
    NoGradGuard no_grad;
    result.test_loss = loss_fn_(model(data_.test.inputs), data_.test.targets).item();
    if (data_.validation.size() == 0) return;
    result.validated = true;
    result.val_loss = loss_fn_(model(data_.validation.inputs), data_.validation.targets).item();
  }

 private:
  const TrainData& data_;
  const LossFn& loss_fn_;
};

}  // namespace

Classified classify(nn::Module& model, const data::Dataset& set, const LossFn& loss_fn, ConfusionMatrix* confusion) {
  NoGradGuard no_grad;
  constexpr std::int64_t kClassifyChunk = 1000;
  Classified c;
  const std::int64_t* labels = set.targets.data<std::int64_t>();
  for (std::int64_t start = 0; start < set.size(); start += kClassifyChunk) {
    const std::int64_t n = std::min(kClassifyChunk, set.size() - start);
    const Tensor output = model(set.inputs.view_narrowed(start, n));
    c.loss += loss_fn(output, set.targets.view_narrowed(start, n)).item() * static_cast<double>(n);
    const Tensor predicted = kernels::argmax(output, 1, false);
    const std::int64_t* p = predicted.data<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i) {
      c.correct += p[i] == labels[start + i];
      if (confusion) confusion->add(labels[start + i], p[i]);
    }
  }
  if (set.size() > 0) c.loss /= static_cast<double>(set.size());
  return c;
}

TaskKind task_kind(const TrainData& data) {
  if (data.pairs) return TaskKind::Pairs;
  return data.classification ? TaskKind::Classification : TaskKind::Regression;
}

std::unique_ptr<Evaluator> make_evaluator(const TrainConfig& config, const TrainData& data, const LossFn& loss_fn) {
  switch (task_kind(data)) {
    case TaskKind::Classification: return std::make_unique<ClassificationEvaluator>(data, loss_fn);
    case TaskKind::Pairs: return std::make_unique<PairEvaluator>(data.train, data.test, *siamese_score(config));
    case TaskKind::Regression: return std::make_unique<RegressionEvaluator>(data, loss_fn);
  }
  return nullptr;
}

}  // namespace descent::train
