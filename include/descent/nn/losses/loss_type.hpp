#pragma once
// Losses by name, as a config's [loss] section gives them: each loss is described once, by a LossType
// defined in its own file (src/nn/losses/mse_loss.cpp holds mse_loss_type()), and the build collects
// every one into loss_types() (cmake/registry.cmake). The config reader, its error messages and the
// docs read this table; nothing else lists the losses.
//   const LossType& type = find_loss_type("huber");
//   LossFunction loss = type.make({{"delta", "0.5"}}, {.classes = 10, .dtype = Dtype::Float32});
//   Tensor value = loss(output, labels);
// Options are written as text, as the config and the command line give them; an option left out
// keeps the loss's default. A value out of range is an OptionError naming the option and what it
// allows ("huber: delta = 0: expected delta > 0"); an unknown option a ValueError listing the loss's.
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/tensor/dtype.hpp"
#include "descent/tensor/tensor.hpp"
#include "descent/util/option_field.hpp"

namespace descent::nn {

// What a loss compares the model's output with.
enum class LossTargets {
  ClassLabels,  // int64 class indices (N) of an (N, C) output: cross_entropy, nll
  Values,       // targets of the output's shape as given, or int64 labels as one-hot vectors
  Pairs,        // one label per pair, with a Siamese model's (N, 2, D) embeddings as the output
};

// "class labels", "targets as given or one-hot", "pairs".
std::string_view describe(LossTargets targets);

// One option of a loss: name, kind, default as text, and the values it allows as messages say it
// ("delta > 0", "one of mean, sum").
struct LossOption {
  std::string name;
  util::OptionKind kind;
  std::string default_value;
  std::string allowed;
};

// What a loss is made for besides its options.
struct LossContext {
  std::int64_t classes = 0;      // the class count: one-hot targets
  Dtype dtype = Dtype::Float32;  // the model's: class weights
};

// loss(output, targets) -> the loss, a 0-d tensor.
using LossFunction = std::function<Tensor(const Tensor& output, const Tensor& targets)>;

struct LossType {
  std::string_view name;     // as the config writes it: "cross_entropy"
  std::string_view summary;  // one line: the formula and PyTorch's name
  LossTargets targets;
  std::vector<LossOption> (*options)();
  // Checks the options (OptionError, ValueError as above) and makes the loss.
  LossFunction (*make)(const util::NameValuePairs& options, const LossContext& context);
  // The least value the loss can take on the outputs it is made for (0 for cross_entropy on logits,
  // nll on log-probabilities, mse, ...), -infinity when it has none. A training loss below it means
  // the output is not what the loss expects (nll on raw logits): train/divergence_guard.hpp stops it.
  double lower_bound = -std::numeric_limits<double>::infinity();
};

// Every loss, sorted by name.
std::span<const LossType* const> loss_types();
// The loss of that name; ValueError listing the known names.
const LossType& find_loss_type(std::string_view name);
// The names of loss_types(), sorted.
std::vector<std::string> loss_type_names();

}  // namespace descent::nn
