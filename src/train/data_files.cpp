#include "data_files.hpp"

#include <filesystem>

#include "descent/data/array_dataset.hpp"
#include "descent/data/csv_dataset.hpp"
#include "descent/error.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/train/validation_split.hpp"
#include "descent/util/join.hpp"

namespace descent::train {
namespace {

data::Dataset load_file(const TrainConfig& config, const std::string& path, const std::string& labels,
                        std::int64_t limit) {
  const DataConfig& c = config.data;
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".csv")
    return data::load_csv_dataset(path, {.label_name = c.label_column,
                                         .label_index = c.label_index,
                                         .classes = c.classes,
                                         .dtype = config.dtype,
                                         .limit = limit});
  const data::ArrayDatasetOptions options{.classes = c.classes, .dtype = config.dtype, .limit = limit};
  if (extension == ".npz") return data::load_npz_dataset(path, options);
  return data::load_npy_dataset(path, labels, options);
}

// "data.train = "x.npy" (labels y.npy)", for messages.
std::string source(const TrainConfig& config, bool train) {
  const DataConfig& c = config.data;
  const std::string& labels = train ? c.train_labels : c.test_labels;
  return std::string(train ? "data.train = " : "data.test = ") + util::double_quoted(train ? c.train : c.test) +
         (labels.empty() ? "" : " (labels " + labels + ")");
}

}  // namespace

void load_data_files(const TrainConfig& config, TrainData& d) {
  // train_limit + validation examples: the validation set is held out of them (validation_split.hpp).
  d.train = load_file(config, config.data.train, config.data.train_labels, training_examples_to_read(config.data));
  d.test = load_file(config, config.data.test, config.data.test_labels, config.data.test_limit);
  const std::string train = source(config, true), test = source(config, false);
  if (d.test.input_shape()[1] != d.train.input_shape()[1])
    throw ConfigError(config.path + ": " + test + ": " + std::to_string(d.test.input_shape()[1]) +
                      " inputs per example: expected " + std::to_string(d.train.input_shape()[1]) + ", as " + train);
  d.classification = d.train.targets.dtype() == Dtype::Int64;
  const bool test_labels = d.test.targets.dtype() == Dtype::Int64;
  if (test_labels != d.classification)
    throw ConfigError(config.path + ": " + train + " holds " + (d.classification ? "class labels" : "float targets") +
                      " but " + test + " holds " + (test_labels ? "class labels" : "float targets") +
                      ": expected the same kind in both");
  const nn::LossTargets kind = nn::find_loss_type(config.loss.name).targets;
  if (d.classification) {
    // A loss of values takes the labels one-hot: one output per class. (Class-label losses were
    // checked with the config.)
    if (kind == nn::LossTargets::Values && config.model.siamese == "none" &&
        config.model.output_size() != config.data.classes)
      throw ConfigError(config.path + ": " + train + " holds class labels: expected the model's " +
                        std::to_string(config.model.output_size()) +
                        " outputs to equal data.classes = " + std::to_string(config.data.classes) + ", one per class");
    return;
  }
  if (kind != nn::LossTargets::Values)
    throw ConfigError(config.path + ": " + train + ": float targets " + to_string(d.train.targets.shape()) +
                      " with loss.name = " + util::double_quoted(config.loss.name) +
                      ": expected integer class labels (save y as integers, y.astype(np.int64)), or a loss of "
                      "targets such as mse");
  for (const auto& [set, name] : {std::pair{&d.train, train}, {&d.test, test}})
    if (set->targets.size(1) != config.model.output_size())
      throw ConfigError(config.path + ": " + name + ": float targets " + to_string(set->targets.shape()) +
                        ": expected " + std::to_string(config.model.output_size()) +
                        " per example, the model's output size (class labels are saved as integers)");
}

void set_image_shape(const TrainConfig& config, data::Dataset& train) {
  if (config.model.input_shape.size() == 3) {
    train.image_shape = config.model.input_shape;
    return;
  }
  if (train.image_shape.size() == 3) return;
  throw ConfigError(config.path +
                    ": data.augment: expected images: model.input_shape = [C, H, W], or image files (IDX, or "
                    ".npy/.npz inputs of shape (N, H, W) or (N, C, H, W)); the inputs are " +
                    std::to_string(train.input_shape()[1]) + " features per example");
}

}  // namespace descent::train
