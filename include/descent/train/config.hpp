#pragma once
// A training run as the TOML config describes it. parse_config() reads and validates the whole file:
// every key is checked (type, range, allowed names), unknown keys are errors, and each message names
// the file, the key, the value and what is allowed: "nielsen.toml: optim.lr = -0.1: expected lr >= 0".
//
// The file has seven sections, each optional except [model]; absent keys keep the defaults below.
// docs/config.md, written from the table the reader reads (config_keys.hpp), gives every key.
//   [model]     either layers (an MLP), activation (or none), output_activation, init, bias
//               or input_shape and a list of [[model.layer]] tables, one per layer with its type and
//               PyTorch's option names (examples/lenet/mnist.toml); either form may be the tower of a
//               Siamese model (siamese = cosine | euclidean; examples/siamese/). Both forms take
//               weight_init and bias_init (torch.nn.init by name: "zeros", "normal(0, 0.01)",
//               "kaiming_uniform", ...): the MLP's for every Linear layer, over init; the layer
//               form's as the default of its linear and conv2d layers, which take them too. The
//               layer types, their keys, the activations and the inits: docs/layers.md, generated
//               from nn's registries. Any layer may set name and input (LayerConfig below), and the
//               merge layers add and concat take earlier outputs by name; [model.blocks.NAME] tables
//               (a list of [[model.blocks.NAME.layer]] with "$param" values) define blocks that
//               {type = "block", block = "NAME", param = value} tables use (src/train/config_blocks.hpp;
//               examples/resnet/).
//   [loss]      name, then that loss's options: reduction (mean | sum) and its own (LossConfig below)
//   [optim]     name (sgd | adagrad | adadelta | rmsprop | adam | adamw), then that optimizer's options
//               with PyTorch's names, types and defaults (optim/optimizer_spec.hpp; betas = [0.9, 0.999])
//   [scheduler] name (steplr | multisteplr | exponentiallr | cosineannealinglr | linearlr | onecyclelr |
//               reducelronplateau), then that schedule's options (milestones = [30, 80]). Stepped once
//               per epoch, except onecyclelr, stepped after every batch, whose total_steps the run sets
//               to epochs x batches per epoch; reducelronplateau watches the epoch's mean training loss.
//   [data]      classes (must equal the last layer size, unless siamese), train_limit, test_limit,
//               normalize (unit | none | standardize: pixels / 255, the bytes, or per-channel mean 0
//               and std 1 by the training set's statistics), shuffle (true | false), train_pairs,
//               test_pairs (siamese only), or inline inputs and targets, or files: train, test (.csv,
//               .npy, .npz), train_labels, test_labels (.npy), label_column (.csv); augment (images);
//               validation (examples held out)
//   [train]     epochs, batch_size (an integer, 1 for stochastic gradient descent, or "full" for the
//               whole training set in one batch), seed, dtype (float32 | float64), clip_grad_norm (the
//               largest 2-norm of all gradients together) or clip_grad_value (the largest |gradient|),
//               early_stopping = {metric, patience, min_delta}
// An integer may stand for a float (lr = 3); a float or string where an integer is expected is an error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "descent/data/augment.hpp"
#include "descent/optim/lr_scheduler/scheduler_spec.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/tensor/dtype.hpp"
#include "descent/util/option_field.hpp"

namespace descent::train {

// One [[model.layer]] table: its type, one of nn::layer_types() (descent/nn/layer_type.hpp), and the
// options the table sets, as the text the registry's entry reads (kernel_size = [3, 1] is
// {"kernel_size", "3,1"}), in the entry's order; options left out keep the layer's defaults. The keys,
// kinds, defaults and allowed values of every type are in docs/layers.md, generated from the registry.
// in_channels, in_features and num_features are not keys: they come from the previous layer's
// output shape.
struct LayerConfig {
  std::string type;
  util::NameValuePairs options;
  // name = "block1_in" (any layer, optional, a string): lets later layers take this layer's output, by
  // input = "block1_in" or a merge layer's (add, concat) inputs = ["block1_in"]. Letters, digits, '_',
  // '-' and '.'; unique in the model.
  std::string name;
  // input = "block1_in" (any layer, optional, a string): the earlier layer whose output this layer
  // takes instead of the previous layer's (a ResNet block's shortcut convolution); "" by default.
  std::string input;
  // Set by the parser: `input` and a merge layer's inputs (its "inputs" option) as the indices of the
  // layers they name, each below the layer's own.
  std::optional<std::size_t> from;
  std::vector<std::size_t> merged;
  // The shapes of one example (no batch dimension) going in and coming out, set by the parser.
  std::vector<std::int64_t> in_shape, out_shape;

  // The option's text as set by the file; empty when the file leaves it at its default.
  std::string option(std::string_view key) const;
};

struct ModelConfig {
  // The MLP form. Empty in the layer form.
  std::vector<std::int64_t> layers;  // [784, 30, 10]: sizes from input to output, at least two
  // Between layers and after the last: an activation layer of nn::layer_types(), with its options at
  // their defaults, or "none" (activation = "none": a linear model); the init is one of nn::init_types(). Both lists
  // are in docs/layers.md.
  std::string activation = "sigmoid";
  std::string output_activation = "none";
  std::string init = "default";  // default: PyTorch's Linear
  bool bias = true;              // false: the Linear layers have no bias
  // Inits of one tensor (nn/tensor_init_type.hpp, docs/layers.md) as written: "normal(0, 0.01)". The
  // MLP form: every Linear layer's weight and bias, the output layer's included, set after init
  // ("default" keeps init's draw). The layer form: the default of each linear and conv2d layer that
  // sets no key of its own (bias_init: of each that has a bias).
  std::string weight_init = "default";
  std::string bias_init = "default";
  // [model.weights]: starting values that replace the init, by parameter name ("0.weight" = [[0.1]]),
  // flattened row-major; the shape is checked when the model is built.
  std::vector<std::pair<std::string, std::vector<double>>> weights;
  // init_from = "W.safetensors": start from that file's weights (io/state_dict_file.hpp: PyTorch's
  // state_dict names, as descent export writes them), every parameter and buffer, over init,
  // weight_init, bias_init and [model.weights]. Names and shapes are checked against the model;
  // tensors of another dtype are converted to train.dtype, as PyTorch's load_state_dict copies them.
  // A Siamese model's file holds its tower's weights. Relative paths are relative to the config
  // file's directory (parse_config stores them resolved); "" (default): none. descent train
  // --init-from overrides it. init_strict = false: tensors the file lacks keep their init and tensors
  // the model lacks are skipped (PyTorch's strict=False); a shape that differs is an error either way.
  std::string init_from;
  bool init_strict = true;
  // The layer form: the shape each flat input is viewed as ([1, 28, 28]; [784] by default), and the
  // layers in order. Empty in the MLP form.
  std::vector<std::int64_t> input_shape;
  std::vector<LayerConfig> layer;

  std::int64_t input_size() const;   // numbers per example: layers[0], or the product of input_shape
  std::int64_t output_size() const;  // outputs per example: layers.back(), or the last layer's
  // The shape the model's layers see one example in: [layers[0]], or input_shape ([1, 28, 28]).
  std::vector<std::int64_t> example_shape() const;

  // none | cosine | euclidean: the model above becomes the tower of an nn::Siamese applied to pairs
  // ([data] train_pairs, test_pairs), scored by the cosine similarity or the Euclidean distance of the
  // two embeddings; the last layer size is then the embedding's, not the class count.
  std::string siamese = "none";
};

// [loss] as nn::find_loss_type(name).make takes it: the loss's name and each option the file sets, as
// text ("0.1", "1,2", "sum"); options it leaves out keep the loss's defaults. The losses, their options
// and what each compares the output with (class labels, targets or one-hot labels, pairs):
// nn/losses/loss_type.hpp and docs/losses.md.
struct LossConfig {
  std::string name = "cross_entropy";
  std::vector<std::pair<std::string, std::string>> options;

  // An option's value as text: the one the file sets, else the loss's default ("mean", "0", "" for no
  // weights). ValueError when the loss has no such option.
  std::string option(std::string_view key) const;
  double number(std::string_view key) const;                // option(key) as a number (margin, delta)
  std::vector<double> numbers(std::string_view key) const;  // option(key) as a list of numbers (weight)
};

struct DataConfig {
  // Examples written in the config itself (inputs = [[0.9]], targets = [[0.9]]): a regression data set,
  // used for training and evaluation alike, no data directory needed. Empty: read the IDX files.
  std::vector<std::vector<double>> inputs, targets;
  std::int64_t classes = 10;
  std::int64_t train_limit = 0;  // 0: every training example; else the first N
  std::int64_t test_limit = 0;   // 0: every test example
  // The IDX images' pixels as inputs, as torchvision writes it: "unit" is ToTensor's pixels / 255,
  // "none" the bytes 0-255 as numbers, "standardize" ToTensor then Normalize(mean, std) with one mean
  // and one (population) standard deviation per channel over every pixel of the training set (after
  // train_limit), applied to both sets. Channels: model.input_shape's first of three, else one. Not
  // with inline examples, which are used as written.
  std::string normalize = "unit";
  bool shuffle = true;  // false: the training batches in the stored order, every epoch
  // model.siamese only: pairs drawn (data/pairs.hpp, seeded by train.seed) from the training and the
  // test set; both required then.
  std::int64_t train_pairs = 0;
  std::int64_t test_pairs = 0;
  // Training examples held out as a validation set, measured after every epoch (val_loss, and
  // val_accuracy for classification): the N after the first train_limit, or the last N of the
  // training set when there is no limit (Nielsen's 50000 / 10000 split of MNIST's 60000). Inline
  // examples: the last N rows. 0: none. An integer >= 0 that leaves at least one training example;
  // not with model.siamese. normalize = "standardize" takes its statistics from the training part.
  std::int64_t validation = 0;
  // Data files instead of the IDX directory (no --data-dir then): train and test (strings), the format
  // by the extension: ".csv" (one example a line, a label column), ".npy" (the inputs x, with the labels
  // y in train_labels and test_labels), ".npz" (arrays x and y). Relative paths are relative to the
  // config file's directory; parse_config stores them resolved. Both or neither; not with inline
  // examples. Values are used as stored: normalize "unit" and "none" leave them alone, "standardize"
  // applies. x: (N, features), or images (N, H, W) or (N, C, H, W); y: integer class labels (N,), or float
  // targets (N,) / (N, k) for a regression loss. Formats: data/csv_dataset.hpp, data/array_dataset.hpp.
  std::string train, test;
  std::string train_labels, test_labels;  // .npy only, both required then: the labels' .npy files
  // .csv only: the label column, by header name (label_column = "label") or 0-based index
  // (label_column = 0, label_index here), the only way for a file without a header. Default: the
  // column named "label" of the header.
  std::string label_column;
  std::int64_t label_index = -1;
  // augment = {crop_padding = 2, hflip = 0.5, rotation = 10, translate = 0.1}: random transforms of the
  // training images, as torchvision's RandomCrop(padding), RandomHorizontalFlip(p) and RandomAffine
  // (degrees, translate), seeded by train.seed, never applied to the test set (data/augment.hpp). Keys:
  // crop_padding (integer >= 0), hflip (probability in [0, 1]), rotation (degrees in [0, 180]),
  // translate (fraction of the size in [0, 1]); all 0 (off) by default. Needs images: model.input_shape
  // = [C, H, W], or image files (IDX, .npy/.npz x of (N, H, W) or (N, C, H, W)).
  data::AugmentOptions augment;
};

// [train] early_stopping = {metric = "val_loss", patience = 5, min_delta = 0}: the run stops when
// `metric` has not improved by more than min_delta for `patience` epochs in a row, as Keras'
// EarlyStopping and Lightning's (losses must fall, accuracies rise).
struct EarlyStoppingConfig {
  // val_loss, val_accuracy (need data.validation > 0), test_loss, test_accuracy, train_loss; the
  // accuracies for classification only.
  std::string metric = "val_loss";
  std::int64_t patience = 5;  // an integer >= 1: epochs without improvement before the run stops
  double min_delta = 0;       // a number >= 0: a change of at most this much is no improvement
};

// batch_size = "full": every training example in one batch.
inline constexpr std::int64_t kFullBatch = 0;

// [diagnostics]: what `descent train --trace FILE` records, every record_every updates.
struct DiagnosticsConfig {
  std::vector<std::string> record;  // "0.weight[0,0]", "2.bias[3]", "output", "loss", "grad_norm", "lr"
  std::int64_t record_every = 1;
  // Check every op's output and gradient for NaN or infinity and stop at the first, naming where it
  // appeared (costs a pass over each tensor). Off: only a non-finite loss stops the run.
  bool nonfinite_watch = false;
  std::int64_t monitor_every = 0;  // print gradient norms and update/weight ratios every N updates
  std::int64_t loss_window = 0;    // warn when the mean loss of N steps exceeds the N before
  // Run the detectors of `descent doctor` during training (train --diagnose): each finding printed
  // once as it appears, and each epoch's metrics line gets a "findings" array (docs/diagnosis.md).
  bool diagnose = false;
  // What `descent train` does when the loss runs away (train/divergence_guard.hpp: below the loss's
  // lower bound, or past 10 times the mean loss of the first updates): "stop" (the default: a message
  // on stderr naming the loss, its value and the update, exit status 1), "warn" (the message once, as a
  // warning, and the run goes on) or "off". A string; `descent doctor` has its own diagnosis instead.
  std::string divergence = "stop";
};

struct TrainConfig {
  std::string path;  // the file it came from, for messages
  ModelConfig model;
  LossConfig loss;
  // [optim] as make_optimizer takes it: the name and each option the file sets, as text ("0.05",
  // "0.9,0.999", "true"); options it leaves out keep the optimizer's defaults.
  optim::OptimizerSpec optim{"sgd", {}};
  std::optional<optim::SchedulerSpec> scheduler;  // [scheduler], when the file has one
  DataConfig data;
  DiagnosticsConfig diagnostics;
  std::int64_t epochs = 1;
  std::int64_t batch_size = 10;  // or kFullBatch
  std::uint64_t seed = 0;
  Dtype dtype = Dtype::Float32;
  double clip_grad_norm = 0;    // 0: no clipping
  double clip_grad_value = 0;   // 0: no clipping
  bool flush_denormal = false;  // subnormals as zero during the run (descent/tensor/flush_denormal.hpp)
  // Replay training steps from a captured plan where the model allows (train/captured_step.hpp); the
  // results are the same either way. DESCENT_CAPTURE=0 turns it off too.
  bool capture = true;
  std::optional<EarlyStoppingConfig> early_stopping;  // [train] early_stopping, when the file sets it
};

// Reads and validates `path`; throws ConfigError (missing file, TOML syntax error with its line,
// unknown key, wrong type, value out of range).
TrainConfig parse_config(const std::string& path);
// Parses TOML text; `path` is used in messages only.
TrainConfig parse_config_string(const std::string& text, const std::string& path);

}  // namespace descent::train
