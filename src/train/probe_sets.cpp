#include "probe_sets.hpp"

#include <algorithm>
#include <cmath>

#include "descent/autograd/grad_mode.hpp"
#include "descent/diagnostics/optimizer_inspection.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/tensor/kernels/reduction.hpp"

namespace descent::train {

data::Dataset spread_rows(const data::Dataset& set, std::int64_t count) {
  const std::int64_t n = set.size(), k = std::min(n, count);
  std::vector<std::int64_t> rows(static_cast<std::size_t>(k));
  for (std::int64_t i = 0; i < k; ++i) rows[static_cast<std::size_t>(i)] = i * n / k;
  data::Dataset out;
  // From the bytes when the set keeps them: its rows as numbers need not be made for a few.
  out.set_inputs(set.pixels.defined()
                     ? kernels::gather_rows_scaled(set.pixels, rows.data(), k, set.pixel_scale, set.input_dtype())
                     : kernels::index_select_rows(set.inputs(), rows.data(), k));
  out.targets = kernels::index_select_rows(set.targets, rows.data(), k);
  return out;
}

Measured measure(nn::Module& model, const LossFn& loss_fn, const data::Dataset& set, bool classification) {
  Measured m;
  if (set.size() == 0) return m;
  const bool training = model.is_training();
  model.eval();
  {
    NoGradGuard no_grad;
    const Tensor out = model.forward(set.inputs());
    m.loss = loss_fn(out, set.targets).item();
    if (classification) {
      const std::vector<double> predicted = kernels::argmax(out, 1, false).to_vector();
      const std::vector<double> labels = set.targets.to_vector();
      std::int64_t right = 0;
      for (std::size_t i = 0; i < labels.size(); ++i) right += predicted[i] == labels[i];
      m.accuracy = static_cast<double>(right) / static_cast<double>(labels.size());
    }
  }
  model.train(training);
  return m;
}

double chance_accuracy(const data::Dataset& test, std::int64_t classes) {
  if (test.size() == 0 || classes < 1) return 0;
  std::vector<std::int64_t> counts(static_cast<std::size_t>(classes), 0);
  for (double y : test.targets.to_vector())
    if (y >= 0 && y < static_cast<double>(classes)) ++counts[static_cast<std::size_t>(y)];
  return static_cast<double>(*std::max_element(counts.begin(), counts.end())) / static_cast<double>(test.size());
}

diagnostics::WatchContext watch_context(const TrainConfig& config, const TrainData& data, std::int64_t planned_steps,
                                        std::int64_t budget) {
  const auto option = [&config](const char* name) {
    const double v = diagnostics::optimizer_option(config.optim, name);
    return std::isfinite(v) ? v : 0.0;
  };
  return {.planned_steps = planned_steps,
          .budget = budget,
          .classification = data.classification,
          .chance = chance_accuracy(spread_rows(data.test, 1000), config.data.classes),
          .optimizer = config.optim.name,
          .lr = option("lr"),
          .weight_decay = option("weight_decay"),
          .momentum = config.optim.name == "sgd" ? option("momentum") : 0.0};
}

}  // namespace descent::train
