#include "descent/train/datasets.hpp"

#include "descent/data/pairs.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::train {
namespace {

Tensor rows_to_tensor(const std::vector<std::vector<double>>& rows, Dtype dtype) {
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  return from_vector(
      flat, Shape{static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(rows.front().size())}, dtype);
}

}  // namespace

bool needs_data_dir(const TrainConfig& config) { return config.data.inputs.empty(); }

TrainData load_data(const TrainConfig& config, const std::string& data_dir) {
  TrainData d;
  if (!needs_data_dir(config)) {
    d.train.inputs = rows_to_tensor(config.data.inputs, config.dtype);
    d.train.targets = rows_to_tensor(config.data.targets, config.dtype);
    d.test = d.train;
    d.classification = false;
    return d;
  }
  d.train = data::load_mnist(data_dir, true, config.data.classes, config.dtype, config.data.train_limit);
  d.test = data::load_mnist(data_dir, false, config.data.classes, config.dtype, config.data.test_limit);
  if (d.train.inputs.shape()[1] != config.model.input_size())
    throw ConfigError(config.path +
                      (config.model.layer.empty() ? ": model.layers[0] = " : ": model.input_shape of size ") +
                      std::to_string(config.model.input_size()) + ": expected the input size of the data, " +
                      std::to_string(d.train.inputs.shape()[1]));
  if (config.model.siamese != "none") {
    const double dissimilar = config.loss.name == "contrastive" ? 0.0 : -1.0;
    d.train =
        data::make_pairs(d.train, {.count = config.data.train_pairs, .seed = config.seed, .dissimilar = dissimilar});
    d.test =
        data::make_pairs(d.test, {.count = config.data.test_pairs, .seed = config.seed + 1, .dissimilar = dissimilar});
    d.classification = false;
    d.pairs = true;
  }
  return d;
}

}  // namespace descent::train
