#pragma once
// The initialisers of one tensor that weight_init and bias_init may name: torch.nn.init's functions
// with their default arguments (xavier: gain 1; kaiming: a = 0, mode fan_in, nonlinearity leaky_relu,
// so gain sqrt(2)), described once beside the MLP form's InitType (init_type.hpp): the config reader's
// allowed values, the layers' keys, the docs and --help read this table. A row that takes numbers
// lists them in `params` (PyTorch's argument names) and is written as a call: "normal(0, 0.01)".
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/tensor/generator.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

// Which tensor of a layer the init is for: the key that names it and what it allows. A bias has one
// dimension, so no fan_in or fan_out: the xavier and kaiming rows are for weights only.
enum class InitParam { Weight, Bias };

struct TensorInitType {
  std::string_view name;                     // "normal"
  std::string_view summary;                  // one line, for the docs
  std::span<const std::string_view> params;  // {"mean", "std"}: normal(MEAN, STD)
  bool needs_fans = false;                   // needs fan_in and fan_out: a tensor of 2 or more dimensions
  // What the numbers must satisfy, as a message says it ("std >= 0"); empty when they do. Null: any.
  std::string (*check_args)(std::span<const double> args) = nullptr;
  // Sets `t` in place, drawing from `gen`; "default" leaves it as it is.
  void (*apply)(const Tensor& t, std::span<const double> args, Generator& gen) = nullptr;
};

// A row with its numbers, as a config's text names it.
struct TensorInit {
  const TensorInitType* type = nullptr;
  std::vector<double> args;

  bool is_default() const;
  void apply(const Tensor& t, Generator& gen) const;
};

// default, zeros, ones, constant, normal, uniform, xavier_uniform, xavier_normal, kaiming_uniform,
// kaiming_normal, in that order.
std::span<const TensorInitType> tensor_init_types();
// The row as it is written: "normal(MEAN, STD)", "zeros".
std::string tensor_init_form(const TensorInitType& type);
// The forms `param` allows, in the table's order: "default, zeros, ..., kaiming_normal".
std::string tensor_init_forms(InitParam param);
// "weight_init" or "bias_init".
std::string_view init_key(InitParam param);

// Parses "name" or "name(X, Y)" (spaces around the numbers allowed), strictly: an unknown name, a
// wrong count of numbers, a number that is not one, a value the row rejects (std < 0, a > b) or a
// weight-only row for a bias throw OptionError naming init_key(param), the text and what is allowed:
// "Linear: weight_init = normal(0): expected normal(MEAN, STD) with 2 numbers (the inits: ...)".
TensorInit parse_tensor_init(std::string_view text, InitParam param, std::string_view owner = "init");

}  // namespace descent::nn
