#pragma once
// How a training run measures its model after each epoch: one evaluator per kind of task, chosen once
// from the data.
//   classification (IDX data, int64 labels): test_correct of test_total, the output's argmax
//     against the label, and test_loss, the mean loss;
//   pairs (model.siamese): the score threshold chosen on the training pairs (train/pair_accuracy.hpp),
//     and the test pairs it gets right;
//   regression (inline data): test_loss, the mean loss over the test set.
// With a validation set ([data] validation), classification and regression measure it the same way
// (val_loss, val_correct of val_total).
#include <memory>

#include "descent/distributed/communicator.hpp"
#include "descent/nn/module.hpp"
#include "descent/train/config.hpp"
#include "descent/train/confusion_matrix.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/epoch_result.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent::train {

enum class TaskKind { Classification, Pairs, Regression };

TaskKind task_kind(const TrainData& data);

// Rows an evaluation runs through the model at once. Large enough that the per-call costs vanish,
// small enough that a convolution's activations stay a few MB: at 1,000, LeNet's first layer alone
// made 19 MB of output and ReLU as much again, kept by the allocator's cache for the rest of the run.
constexpr std::int64_t kEvaluationChunk = 250;

// The mean loss (each chunk's loss weighted by its examples, as the training loss is averaged) and the
// right answers (the output's argmax against the int64 label) over `set`, in chunks of
// kEvaluationChunk, recording no graph; each example is also added to `confusion` when one is given
// (descent eval).
struct Classified {
  double loss = 0;
  std::int64_t correct = 0;
};
Classified classify(nn::Module& model, const data::Dataset& set, const LossFn& loss_fn,
                    ConfusionMatrix* confusion = nullptr);

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Fills the result's test fields (and, for pairs, its threshold). The model is in eval mode; no graph
  // is recorded.
  virtual void evaluate(nn::Module& model, EpochResult& result) = 0;
};

// The evaluator for task_kind(data). It keeps references to `data` and `loss_fn`, which must outlive it.
// With `comm` (a data-parallel run), classification splits each set over the ranks and sums their counts
// and losses; pairs and regression (small sets) are measured whole on every rank.
std::unique_ptr<Evaluator> make_evaluator(const TrainConfig& config, const TrainData& data, const LossFn& loss_fn,
                                          distributed::Communicator* comm = nullptr);

}  // namespace descent::train
