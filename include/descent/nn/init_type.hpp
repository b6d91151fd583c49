#pragma once
// The initialisers the MLP form's `init` may name, described once: the config reader's allowed
// values, the docs and --help read this table. Each sets a Linear layer's weight and bias, knowing
// the activation that follows (for the gains of torch.nn.init). A row may take numbers (`params`,
// e.g. normal(MEAN, STD) would list {"mean", "std"}), which apply() receives in that order.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/tensor/generator.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

// What an initialiser sets: a weight (out, in), its bias (undefined when the layer has none), and the
// activation after the layer ("none" when there is none), which picks the gain.
struct InitTarget {
  const Tensor& weight;
  const Tensor& bias;
  std::string_view activation;
  Generator& gen;
};

struct InitType {
  std::string_view name;                     // the config's init: "xavier_uniform"
  std::string_view summary;                  // one line, for the docs and --help
  std::span<const std::string_view> params;  // names of the numbers it takes; empty for the rows below
  void (*apply)(const InitTarget& target, std::span<const double> args);
};

// default, nielsen, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal, in that order.
std::span<const InitType> init_types();
// The row of that name; ValueError listing the known names.
const InitType& find_init_type(std::string_view name);
std::vector<std::string> init_names();

}  // namespace descent::nn
