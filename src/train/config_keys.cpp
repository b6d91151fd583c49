// The rows of every config key. Adding a key to a fixed section is one row here (and its reading in
// config.cpp); the reader rejects a key that has no row, and docs/config.md lists every row.
#include "descent/train/config_keys.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "descent/optim/lr_scheduler/scheduler_spec.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

// Defaults as TOML writes them.
std::string number(double x) { return util::format_number(x); }
std::string flag(bool b) { return b ? "true" : "false"; }
std::string strings(const std::vector<std::string>& list) {
  std::vector<std::string> parts;
  for (const std::string& s : list) parts.push_back(util::double_quoted(s));
  std::string out = "[";
  out += util::join(parts);
  return out += ']';
}

using C = const TrainConfig&;

// [data] normalize: pixels / 255 as torchvision's ToTensor, the raw bytes, or Normalize with the
// training set's per-channel mean and standard deviation.
constexpr std::array<std::string_view, 3> kNormalizations = {"unit", "none", "standardize"};
constexpr std::array<std::string_view, 3> kSiameseScores = {"none", "cosine", "euclidean"};
constexpr std::array<std::string_view, 2> kDtypes = {"float32", "float64"};
// Losses fall, accuracies rise (Keras' mode "auto").
constexpr std::array<std::string_view, 5> kStoppingMetrics = {"val_loss", "val_accuracy", "train_loss", "test_loss",
                                                              "test_accuracy"};
// Stop the run, warn once, or leave the loss unwatched.
constexpr std::array<std::string_view, 3> kDivergenceActions = {"stop", "warn", "off"};

// clang-format off
const ConfigKey kKeys[] = {
  // [model], the MLP form
  {"model", "layers", "array of integers", "at least 2 sizes, each >= 1; required in this form", "The MLP form: the layer sizes from input to output, a Linear layer between each two.", "layers = [784, 30, 10]", nullptr, {}, ModelForm::Mlp},
  {"model", "activation", "string", "`none` or an activation (below)", "The activation between the Linear layers, with its keys at their defaults; `none` makes the model linear.", "activation = \"relu\"", [](C c) { return util::double_quoted(c.model.activation); }, {}, ModelForm::Mlp},
  {"model", "output_activation", "string", "`none` or an activation (below)", "The activation after the last Linear layer.", "output_activation = \"sigmoid\"", [](C c) { return util::double_quoted(c.model.output_activation); }, {}, ModelForm::Mlp},
  {"model", "init", "string", "an init (below)", "How every Linear layer's weight and bias are drawn (gains follow the activation after the layer).", "init = \"xavier_uniform\"", [](C c) { return util::double_quoted(c.model.init); }, {}, ModelForm::Mlp},
  {"model", "bias", "boolean", "", "false: the Linear layers have no bias.", "bias = false", [](C c) { return flag(c.model.bias); }, {}, ModelForm::Mlp},
  // [model], the layer form
  {"model", "input_shape", "array of integers", "each >= 1", "The layer form: the shape each flat input is viewed as.", "input_shape = [1, 28, 28]", [](C) { return std::string("[784]"); }, {}, ModelForm::Layers},
  {"model", "blocks", "tables of [[model.blocks.NAME.layer]] tables", "layers whose values may be \"$param\"", "Blocks of layers defined once and used as {type = \"block\", block = \"NAME\", param = ...} layers, expanded in place ([layers.md](layers.md)).", "[[model.blocks.basic.layer]]\ntype = \"linear\"\nout_features = \"$width\"", nullptr, {}, ModelForm::Layers},
  {"model", "layer", "array of tables", "at least one `[[model.layer]]` table; required in this form", "The layer form: the layers in order, each a `[[model.layer]]` table with its `type` and that type's keys ([layers.md](layers.md)).", "[[model.layer]]\ntype = \"linear\"\nout_features = 10", nullptr, {}, ModelForm::Layers},
  // [model], both forms
  {"model", "weights", "table of arrays of numbers", "a parameter name = its values, nested as the tensor", "Starting values that replace the init, by parameter name; the shape is checked when the model is built.", "[model.weights]\n\"0.weight\" = [[0.1]]", nullptr},
  {"model", "init_from", "string", "a safetensors file (a relative path is taken from the config file's directory)", "Start from the weights in this file, parameters and buffers by PyTorch's state_dict names (as descent export writes them), over init, weight_init, bias_init and [model.weights]; names and shapes must match the model (a Siamese model's: its tower's), other dtypes are converted to train.dtype. descent train --init-from overrides it.", "init_from = \"lenet_init.safetensors\"", [](C c) { return util::double_quoted(c.model.init_from); }},
  {"model", "init_strict", "boolean", "", "false: tensors init_from's file lacks keep their init and tensors the model lacks are skipped (PyTorch's strict=False); a shape that differs stays an error.", "init_strict = false", [](C c) { return flag(c.model.init_strict); }},
  {"model", "siamese", "string", "", "`cosine` or `euclidean`: the model is the tower of a Siamese network over pairs (data.train_pairs, data.test_pairs), scored by the embeddings' cosine similarity or Euclidean distance.", "siamese = \"cosine\"", [](C c) { return util::double_quoted(c.model.siamese); }, kSiameseScores},
  {"model", "weight_init", "string", "an init of one tensor ([layers.md](layers.md#initialisers-of-one-tensor))", "torch.nn.init's function for the weights: of every Linear layer after `init` (MLP form), or of each linear and conv2d layer that sets none (layer form).", "weight_init = \"normal(0, 0.01)\"", [](C c) { return util::double_quoted(c.model.weight_init); }},
  {"model", "bias_init", "string", "an init of one tensor ([layers.md](layers.md#initialisers-of-one-tensor))", "The same for the biases.", "bias_init = \"zeros\"", [](C c) { return util::double_quoted(c.model.bias_init); }},
  // [[model.layer]]
  {"model.layer", "type", "string", "a layer type ([layers.md](layers.md)); required", "The layer's type; the table's other keys are that type's, with PyTorch's names.", "type = \"flatten\"", nullptr},
  {"model.layer", "name", "string", "letters, digits and _; unique among the layers", "Names this layer's output, so that a later layer can take it (input, or an add or concat layer's inputs).", "type = \"flatten\"\nname = \"flat\"", nullptr},
  {"model.layer", "input", "string", "the name of an earlier layer (or, in a block, \"in\": the block's input)", "The layer takes that earlier output instead of the previous layer's: a ResNet's shortcut convolution.", "type = \"flatten\"\nname = \"flat\"\n\n[[model.layer]]\ntype = \"identity\"\ninput = \"flat\"", nullptr},
  {"model.layer", "block", "string", "the NAME of a [model.blocks.NAME]; with type = \"block\"", "A use of a block: its layers in place of this table, each \"$param\" replaced by this table's param = value.", "type = \"block\"\nblock = \"basic\"\nwidth = 8", nullptr},
  // [loss], [optim], [scheduler]: the name, then its options from the registries
  {"loss", "name", "string", "a loss (below)", "The loss; the section's other keys are its options.", "name = \"cross_entropy\"\nlabel_smoothing = 0.1", [](C c) { return util::double_quoted(c.loss.name); }},
  {"optim", "name", "string", "an optimizer (below)", "The optimizer; the section's other keys are its options, with PyTorch's names and defaults.", "name = \"adam\"\nlr = 0.001\nbetas = [0.9, 0.999]", [](C c) { return util::double_quoted(c.optim.name); }},
  {"scheduler", "name", "string", "a schedule (below); required when the section is there", "The learning-rate schedule, stepped once per epoch (onecyclelr: after every batch); the section's other keys are its options. No section: a constant learning rate.", "name = \"steplr\"\nstep_size = 30\ngamma = 0.1", nullptr},
  // [data]
  {"data", "classes", "integer", ">= 2; the last layer's size unless siamese", "The number of classes of the labels.", "classes = 10", [](C c) { return number(static_cast<double>(c.data.classes)); }},
  {"data", "train_limit", "integer", ">= 0 (0: every example)", "Train on the first N training examples.", "train_limit = 1000", [](C c) { return number(static_cast<double>(c.data.train_limit)); }},
  {"data", "test_limit", "integer", ">= 0 (0: every example)", "Evaluate on the first N test examples.", "test_limit = 1000", [](C c) { return number(static_cast<double>(c.data.test_limit)); }},
  {"data", "inputs", "array of arrays of numbers", "rows of the model's input size, with targets", "Examples written in the config (a regression set used for training and evaluation alike, no data directory); absent: the IDX files.", "inputs = [[0.9], [0.1]]", nullptr},
  {"data", "targets", "array of arrays of numbers", "one row per input row, of the model's output size", "The targets of the inline inputs.", "targets = [[0.9], [0.2]]", nullptr},
  {"data", "train_pairs", "integer", ">= 1; required with model.siamese", "Pairs drawn from the training set (seeded by train.seed).", "train_pairs = 20000", nullptr},
  {"data", "test_pairs", "integer", ">= 1; required with model.siamese", "Pairs drawn from the test set.", "test_pairs = 2000", nullptr},
  {"data", "normalize", "string", "not with inline data", "The IDX pixels as inputs: `unit` is ToTensor's pixels / 255, `none` the bytes 0-255, `standardize` ToTensor then Normalize with each channel's mean and standard deviation over the training set, for both sets.", "normalize = \"standardize\"", [](C c) { return util::double_quoted(c.data.normalize); }, kNormalizations},
  {"data", "shuffle", "boolean", "", "false: the training batches in the stored order, every epoch.", "shuffle = false", [](C c) { return flag(c.data.shuffle); }},
  {"data", "validation", "integer", ">= 0 (0: none); leaves at least one training example; not with model.siamese", "Training examples held out as a validation set, measured after every epoch (val_loss, and val_accuracy for classifiers): the N after the first train_limit, or the last N (inline data: the last N rows). normalize = \"standardize\" takes its statistics from the training part.", "validation = 10000", [](C c) { return number(static_cast<double>(c.data.validation)); }},
  {"data", "train", "string", "a path ending in .csv, .npy or .npz; with data.test; not with inline data", "The training examples from a file instead of the IDX directory (no --data-dir then), the format by the extension; relative to the config file's directory; values used as stored ([data.md](data.md)).", "train = \"train.csv\"\ntest = \"test.csv\"", nullptr},
  {"data", "test", "string", "as data.train, with it", "The test examples from a file.", "train = \"train.csv\"\ntest = \"test.csv\"", nullptr},
  {"data", "train_labels", "string", "a .npy path; required with train = \"*.npy\", else not allowed", "The training labels (N,) or targets (N, k) beside a .npy of inputs.", "train = \"x_train.npy\"\ntrain_labels = \"y_train.npy\"\ntest = \"x_test.npy\"\ntest_labels = \"y_test.npy\"", nullptr},
  {"data", "test_labels", "string", "as data.train_labels", "The test labels beside a .npy of inputs.", "train = \"x_train.npy\"\ntrain_labels = \"y_train.npy\"\ntest = \"x_test.npy\"\ntest_labels = \"y_test.npy\"", nullptr},
  {"data", "label_column", "string or integer", ".csv only: a header name, or a 0-based index (the only way without a header)", "The CSV column that holds the class label; absent: the column named label of the header.", "train = \"train.csv\"\ntest = \"test.csv\"\nlabel_column = \"label\"", nullptr},
  {"data", "augment", "table", "the keys of [data.augment] (below); needs images: model.input_shape = [C, H, W] or image files", "Random transforms of the training images, as torchvision's, seeded by train.seed; never applied to the test or validation set.", "augment = {crop_padding = 2, hflip = 0.5}", nullptr},
  {"data.augment", "crop_padding", "integer", ">= 0 (0: off)", "RandomCrop(size, padding): pad each side with zeros, then crop the original size at a random place.", "crop_padding = 2", [](C c) { return number(static_cast<double>(c.data.augment.crop_padding)); }},
  {"data.augment", "hflip", "number", "a probability in [0, 1]", "RandomHorizontalFlip(p).", "hflip = 0.5", [](C c) { return number(c.data.augment.hflip); }},
  {"data.augment", "rotation", "number", "degrees in [0, 180]", "RandomAffine(degrees): a rotation by an angle drawn from [-rotation, rotation].", "rotation = 10", [](C c) { return number(c.data.augment.rotation); }},
  {"data.augment", "translate", "number", "a fraction of the size in [0, 1]", "RandomAffine(translate): a shift drawn up to this fraction of the width and height.", "translate = 0.1", [](C c) { return number(c.data.augment.translate); }},
  // [train]
  {"train", "epochs", "integer", ">= 1", "Passes over the training set.", "epochs = 30", [](C c) { return number(static_cast<double>(c.epochs)); }},
  {"train", "batch_size", "integer or \"full\"", ">= 1, or \"full\": the whole training set in one batch", "Examples per update (1: stochastic gradient descent).", "batch_size = \"full\"", [](C c) { return number(static_cast<double>(c.batch_size)); }},
  {"train", "seed", "integer", ">= 0", "Seeds the init, the shuffle, dropout and pair drawing.", "seed = 1", [](C c) { return number(static_cast<double>(c.seed)); }},
  {"train", "dtype", "string", "", "The element type of the model and data.", "dtype = \"float64\"", [](C c) { return util::double_quoted(to_string(c.dtype)); }, kDtypes},
  {"train", "clip_grad_norm", "number", "> 0; not with clip_grad_value", "The largest 2-norm of all gradients together (nn.utils.clip_grad_norm_); absent: no clipping.", "clip_grad_norm = 1.0", nullptr},
  {"train", "clip_grad_value", "number", "> 0; not with clip_grad_norm", "The largest |gradient| (nn.utils.clip_grad_value_); absent: no clipping.", "clip_grad_value = 0.5", nullptr},
  {"train", "flush_denormal", "boolean", "", "Subnormal numbers as zero during the run, as torch.set_flush_denormal.", "flush_denormal = true", [](C c) { return flag(c.flush_denormal); }},
  {"train", "capture", "boolean", "", "Replay the steps of an MLP (Linear layers and sigmoid, tanh or relu; quadratic, mse or cross_entropy) from a plan captured after its first step, without building a graph: the same kernels in the same order, so the results are bit for bit those of capture = false, only faster. Other models, and runs that watch every op, train as without it ([capture.md](capture.md)). The environment variable DESCENT_CAPTURE=0 turns it off too.", "capture = false", [](C c) { return flag(c.capture); }},
  {"train", "early_stopping", "table", "the keys of [train.early_stopping] (below)", "Stop the run when the metric has not improved by more than min_delta for patience epochs in a row, as Keras' EarlyStopping; absent: every epoch runs.", "early_stopping = {metric = \"val_loss\", patience = 5, min_delta = 0}", nullptr},
  {"train.early_stopping", "metric", "string", "val_ metrics need data.validation > 0; accuracies need a classifier", "The metric watched: losses must fall, accuracies rise.", "metric = \"val_accuracy\"", [](C) { return util::double_quoted(EarlyStoppingConfig{}.metric); }, kStoppingMetrics},
  {"train.early_stopping", "patience", "integer", ">= 1", "Epochs without improvement before the run stops.", "patience = 3", [](C) { return number(static_cast<double>(EarlyStoppingConfig{}.patience)); }},
  {"train.early_stopping", "min_delta", "number", ">= 0", "A change of at most this much is no improvement.", "min_delta = 0.001", [](C) { return number(EarlyStoppingConfig{}.min_delta); }},
  // [diagnostics]
  {"diagnostics", "record", "array of strings", "parameter elements (\"0.weight[0,0]\"), output, loss, grad_norm, lr", "What `descent train --trace FILE` records.", "record = [\"0.weight[0,0]\", \"loss\"]", [](C c) { return strings(c.diagnostics.record); }},
  {"diagnostics", "record_every", "integer", ">= 1", "Record every N updates.", "record_every = 10", [](C c) { return number(static_cast<double>(c.diagnostics.record_every)); }},
  {"diagnostics", "nonfinite_watch", "boolean", "", "Check every op's output and gradient and stop at the first NaN or infinity, naming where it appeared; off, only a non-finite loss stops the run.", "nonfinite_watch = true", [](C c) { return flag(c.diagnostics.nonfinite_watch); }},
  {"diagnostics", "monitor_every", "integer", ">= 0 (0: off)", "Print each parameter's gradient norm and update/weight ratio every N updates.", "monitor_every = 100", [](C c) { return number(static_cast<double>(c.diagnostics.monitor_every)); }},
  {"diagnostics", "loss_window", "integer", ">= 0 (0: off)", "Warn when the mean loss of N steps exceeds that of the N before.", "loss_window = 50", [](C c) { return number(static_cast<double>(c.diagnostics.loss_window)); }},
  {"diagnostics", "diagnose", "boolean", "", "Run the detectors of `descent doctor` during training (as train --diagnose).", "diagnose = true", [](C c) { return flag(c.diagnostics.diagnose); }},
  {"diagnostics", "divergence", "string", "", "What descent train does when the loss runs away (past 10 times the mean of the first 10 updates, measured from the loss's lower bound) or falls below the bound the loss guarantees (0 for every loss): stop with exit status 1, warn once and go on, or leave the loss unwatched.", "divergence = \"warn\"", [](C c) { return util::double_quoted(c.diagnostics.divergence); }, kDivergenceActions},
};
// clang-format on

// Set by the run for onecyclelr (epochs x batches per epoch), so not config keys.
constexpr std::array<std::string_view, 3> kOneCycleRunKeys = {"total_steps", "epochs", "steps_per_epoch"};

}  // namespace

std::span<const ConfigKey> config_keys() { return kKeys; }

std::vector<std::string_view> config_sections() {
  std::vector<std::string_view> sections;
  for (const ConfigKey& k : kKeys)
    if (k.section.find('.') == std::string_view::npos &&
        std::find(sections.begin(), sections.end(), k.section) == sections.end())
      sections.push_back(k.section);
  return sections;
}

std::vector<std::string_view> config_key_names(std::string_view section, ModelForm form) {
  std::vector<std::string_view> names;
  for (const ConfigKey& k : kKeys)
    if (k.section == section && (form == ModelForm::Any || k.form == ModelForm::Any || k.form == form))
      names.push_back(k.key);
  return names;
}

const ConfigKey& config_key(std::string_view section, std::string_view key) {
  for (const ConfigKey& k : kKeys)
    if (k.section == section && k.key == key) return k;
  std::string what = "no config key ";
  what.append(section).append(".").append(key);
  throw std::out_of_range(what);
}

std::vector<util::OptionInfo> scheduler_config_options(const std::string& name) {
  std::vector<util::OptionInfo> infos = optim::scheduler_options(name);
  if (name == "onecyclelr")
    std::erase_if(infos, [](const util::OptionInfo& info) {
      return std::find(kOneCycleRunKeys.begin(), kOneCycleRunKeys.end(), info.name) != kOneCycleRunKeys.end();
    });
  return infos;
}

}  // namespace descent::train
