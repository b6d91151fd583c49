#include "descent/train/datasets.hpp"

#include <filesystem>

#include "data_files.hpp"
#include "descent/data/normalize.hpp"
#include "descent/data/pairs.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/train/validation_split.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

Tensor rows_to_tensor(const std::vector<std::vector<double>>& rows, Dtype dtype) {
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  return from_vector(
      flat, Shape{static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(rows.front().size())}, dtype);
}

// data.normalize on the IDX sets: "unit" is how they are read; "standardize" uses the training set's
// statistics for every set, one channel unless model.input_shape is [C, H, W].
void normalize_inputs(const TrainConfig& config, TrainData& d) {
  const std::string& how = config.data.normalize;
  const bool validation = d.validation.size() > 0;
  if (how == "none" && d.train.pixels.defined()) {  // data files have no bytes: used as stored
    data::rescale_pixels_(d.train, 1.0);
    data::rescale_pixels_(d.test, 1.0);
    if (validation) data::rescale_pixels_(d.validation, 1.0);
  }
  if (how != "standardize") return;
  const std::vector<std::int64_t>& shape = config.model.input_shape;
  const data::ChannelStats stats = data::channel_stats(d.train.inputs(), shape.size() == 3 ? shape[0] : 1);
  for (std::size_t c = 0; c < stats.std.size(); ++c)
    if (!(stats.std[c] > 0))
      throw ConfigError(config.path + ": data.normalize = \"standardize\": channel " + std::to_string(c) +
                        " of the training set has standard deviation 0 (every value is " +
                        util::format_number(stats.mean[c], ".6g") +
                        "): expected \"unit\" or \"none\" for constant inputs");
  data::normalize_(d.train, stats);
  data::normalize_(d.test, stats);
  if (validation) data::normalize_(d.validation, stats);
  d.input_stats = stats;
}

// The IDX files load_mnist reads from `dir`, by name: each compressed one if present, as it does.
std::vector<std::string> idx_file_names(const std::string& dir) {
  std::vector<std::string> names;
  for (const char* name :
       {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    std::string gz = name;
    gz.append(".gz");
    names.push_back(std::filesystem::exists(std::filesystem::path(dir) / gz) ? gz : name);
  }
  return names;
}

// The data files of [data] train and test (and their .npy labels), by name, for the fingerprint.
std::vector<std::string> data_file_names(const DataConfig& c) {
  std::vector<std::string> names;
  for (const std::string* f : {&c.train, &c.train_labels, &c.test, &c.test_labels})
    if (!f->empty()) names.push_back(std::filesystem::path(*f).filename().string());
  return names;
}

}  // namespace

bool needs_data_dir(const TrainConfig& config) { return config.data.inputs.empty() && config.data.train.empty(); }

TrainData load_data(const TrainConfig& config, const std::string& data_dir) {
  TrainData d;
  if (!config.data.inputs.empty()) {
    d.train.set_inputs(rows_to_tensor(config.data.inputs, config.dtype));
    d.train.targets = rows_to_tensor(config.data.targets, config.dtype);
    d.fingerprint = fingerprint_data(d.train, d.train, "inline", config.path + " ([data] inputs, targets)");
    if (config.data.validation > 0) d.validation = hold_out_validation(config, d.train, "data.inputs");
    d.test = d.train;
    d.classification = false;
    return d;
  }
  if (config.data.train.empty()) {
    d.train =
        data::load_mnist(data_dir, true, config.data.classes, config.dtype, training_examples_to_read(config.data));
    d.test = data::load_mnist(data_dir, false, config.data.classes, config.dtype, config.data.test_limit);
    d.fingerprint =
        fingerprint_data(d.train, d.test, "idx", std::filesystem::absolute(data_dir).lexically_normal().string(),
                         idx_file_names(data_dir));
  } else {
    load_data_files(config, d);
    d.fingerprint = fingerprint_data(d.train, d.test, "files", config.data.train + ", " + config.data.test,
                                     data_file_names(config.data));
  }
  if (d.train.input_shape()[1] != config.model.input_size())
    throw ConfigError(config.path +
                      (config.model.layer.empty() ? ": model.layers[0] = " : ": model.input_shape of size ") +
                      std::to_string(config.model.input_size()) + ": expected the input size of the data, " +
                      std::to_string(d.train.input_shape()[1]));
  if (config.data.validation > 0) d.validation = hold_out_validation(config, d.train, data_dir);
  normalize_inputs(config, d);  // before pairs are drawn: a pair holds two normalized images
  if (config.data.augment.any()) set_image_shape(config, d.train);
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
