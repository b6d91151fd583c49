#pragma once
// The small evaluation sets the diagnosis watches a run on (doctor, train --diagnose): rows spread
// through a set, the loss and accuracy of a model on them, and the accuracy of guessing the most
// frequent class.
#include <cmath>
#include <cstdint>

#include "descent/data/dataset.hpp"
#include "descent/diagnostics/training_watch.hpp"
#include "descent/nn/module.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent::train {

// Up to `count` rows spread evenly through `set` (not its first rows: a stored order may be sorted).
data::Dataset spread_rows(const data::Dataset& set, std::int64_t count);

struct Measured {
  double loss = NAN, accuracy = NAN;  // accuracy: NaN unless `classification`
};
// In eval mode, without a graph; the model's mode is restored.
Measured measure(nn::Module& model, const LossFn& loss_fn, const data::Dataset& set, bool classification);

// The fraction of `set` in its most frequent class.
double chance_accuracy(const data::Dataset& set, std::int64_t classes);

// What the watch needs to know of a run: its length, its task, chance on its test probe, and the
// optimizer's lr, weight decay and momentum.
diagnostics::WatchContext watch_context(const TrainConfig& config, const TrainData& data, std::int64_t planned_steps,
                                        std::int64_t budget);

}  // namespace descent::train
