#include "descent/train/evaluator.hpp"

#include <algorithm>

#include "descent/autograd/grad_mode.hpp"
#include "descent/distributed/agreement.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/train/data_parallel.hpp"
#include "descent/train/pair_accuracy.hpp"

namespace descent::train {
namespace {

// Rows [begin, end) of `set`: the loss summed over the chunks (each chunk's mean times its rows) and
// the right answers.
Classified classify_rows(nn::Module& model, const data::Dataset& set, const LossFn& loss_fn, std::int64_t begin,
                         std::int64_t end, ConfusionMatrix* confusion) {
  NoGradGuard no_grad;
  Classified c;
  const std::int64_t* labels = set.targets.data<std::int64_t>();
  for (std::int64_t start = begin; start < end; start += kEvaluationChunk) {
    const std::int64_t n = std::min(kEvaluationChunk, end - start);
    const Tensor output = model(set.input_rows(start, n));
    c.loss += loss_fn(output, set.targets.view_narrowed(start, n)).item() * static_cast<double>(n);
    const Tensor predicted = kernels::argmax(output, 1, false);
    const std::int64_t* p = predicted.data<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i) {
      c.correct += p[i] == labels[start + i];
      if (confusion) confusion->add(labels[start + i], p[i]);
    }
  }
  return c;
}

class ClassificationEvaluator : public Evaluator {
 public:
  ClassificationEvaluator(const TrainData& data, const LossFn& loss_fn, distributed::Communicator& comm)
      : data_(data), loss_fn_(loss_fn), comm_(comm) {}

  void evaluate(nn::Module& model, EpochResult& result) override {
    const Classified test = classify_shared(model, data_.test);
    result.test_correct = test.correct;
    result.test_total = data_.test.size();
    result.test_loss = test.loss;
    result.test_loss_measured = true;
    if (data_.validation.size() == 0) return;
    const Classified val = classify_shared(model, data_.validation);
    result.validated = true;
    result.val_loss = val.loss;
    result.val_correct = val.correct;
    result.val_total = data_.validation.size();
  }

 private:
  // classify, each rank measuring its part of the set (whole chunks, computed as one process computes
  // them) and the sums all-reduced.
  Classified classify_shared(nn::Module& model, const data::Dataset& set) {
    if (comm_.size() == 1) return classify(model, set, loss_fn_);
    const RowRange rows = evaluation_rows(set.size(), kEvaluationChunk, comm_.rank(), comm_.size());
    Classified part;
    {
      const distributed::SoloStretch solo;
      part = classify_rows(model, set, loss_fn_, rows.begin, rows.end, nullptr);
    }
    double sums[2] = {part.loss, static_cast<double>(part.correct)};
    comm_.all_reduce_sum(sums);
    return {set.size() > 0 ? sums[0] / static_cast<double>(set.size()) : 0.0, static_cast<std::int64_t>(sums[1])};
  }

  const TrainData& data_;
  const LossFn& loss_fn_;
  distributed::Communicator& comm_;
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
    result.test_loss = loss_fn_(model(data_.test.inputs()), data_.test.targets).item();
    if (data_.validation.size() == 0) return;
    result.validated = true;
    result.val_loss = loss_fn_(model(data_.validation.inputs()), data_.validation.targets).item();
  }

 private:
  const TrainData& data_;
  const LossFn& loss_fn_;
};

}  // namespace

Classified classify(nn::Module& model, const data::Dataset& set, const LossFn& loss_fn, ConfusionMatrix* confusion) {
  Classified c = classify_rows(model, set, loss_fn, 0, set.size(), confusion);
  if (set.size() > 0) c.loss /= static_cast<double>(set.size());
  return c;
}

TaskKind task_kind(const TrainData& data) {
  if (data.pairs) return TaskKind::Pairs;
  return data.classification ? TaskKind::Classification : TaskKind::Regression;
}

std::unique_ptr<Evaluator> make_evaluator(const TrainConfig& config, const TrainData& data, const LossFn& loss_fn,
                                          distributed::Communicator* comm) {
  static distributed::SingleProcess one_process;
  switch (task_kind(data)) {
    case TaskKind::Classification:
      return std::make_unique<ClassificationEvaluator>(data, loss_fn, comm ? *comm : one_process);
    case TaskKind::Pairs: return std::make_unique<PairEvaluator>(data.train, data.test, *siamese_score(config));
    case TaskKind::Regression: return std::make_unique<RegressionEvaluator>(data, loss_fn);
  }
  return nullptr;
}

}  // namespace descent::train
