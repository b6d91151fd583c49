#pragma once
// Everything the diagnosis looks at before the first update of a run a config describes: the training
// inputs' scale, the labels' balance and order, the model's structure against its loss, its initial
// weights, the optimizer's settings and the dropout rates (diagnostics/*_inspection.hpp). `descent
// doctor` adds the gradient and descent-direction checks; `descent train --diagnose` runs these alone.
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/nn/module.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"

namespace descent::train {

std::vector<diagnostics::Finding> inspect_run(const TrainConfig& config, const TrainData& data,
                                              const nn::Module& model);

}  // namespace descent::train
