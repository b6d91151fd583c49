#include "descent/nn/init_type.hpp"

#include <array>

#include "descent/error.hpp"
#include "descent/nn/init.hpp"
#include "descent/util/join.hpp"

namespace descent::nn {
namespace {

// The nonlinearity calculate_gain is asked about: the activation itself where PyTorch has a gain for
// it, else "linear" (gain 1: none, softmax and the activations calculate_gain does not know).
std::string_view gain_nonlinearity(std::string_view activation) {
  for (std::string_view known : {"sigmoid", "tanh", "relu"})
    if (activation == known) return known;
  return "linear";
}

// Kaiming's gain: sqrt(2) after relu, 1 otherwise.
std::string_view kaiming_nonlinearity(std::string_view activation) { return activation == "relu" ? "relu" : "linear"; }

void zero_bias(const InitTarget& t) {
  if (t.bias.defined()) init::zeros_(t.bias);
}

const std::array<InitType, 6> kInits = {{
    {"default",
     "PyTorch's Linear: weight and bias from U(-1/sqrt(in), 1/sqrt(in))",
     {},
     [](const InitTarget&, std::span<const double>) {}},  // the Linear constructor already drew it
    {"nielsen",
     "Nielsen's network.py: weight and bias from N(0, 1)",
     {},
     [](const InitTarget& t, std::span<const double>) {
       init::normal_(t.weight, 0.0, 1.0, &t.gen);
       if (t.bias.defined()) init::normal_(t.bias, 0.0, 1.0, &t.gen);
     }},
    {"xavier_uniform",
     "Glorot & Bengio: U(-b, b), b = gain sqrt(6 / (in + out)); bias 0",
     {},
     [](const InitTarget& t, std::span<const double>) {
       init::xavier_uniform_(t.weight, init::calculate_gain(gain_nonlinearity(t.activation)), &t.gen);
       zero_bias(t);
     }},
    {"xavier_normal",
     "Glorot & Bengio: N(0, gain^2 2 / (in + out)); bias 0",
     {},
     [](const InitTarget& t, std::span<const double>) {
       init::xavier_normal_(t.weight, init::calculate_gain(gain_nonlinearity(t.activation)), &t.gen);
       zero_bias(t);
     }},
    {"kaiming_uniform",
     "He et al.: U(-b, b), b = gain sqrt(3 / in), gain sqrt(2) after relu; bias 0",
     {},
     [](const InitTarget& t, std::span<const double>) {
       init::kaiming_uniform_(t.weight, 0.0, init::FanMode::FanIn, kaiming_nonlinearity(t.activation), &t.gen);
       zero_bias(t);
     }},
    {"kaiming_normal",
     "He et al.: N(0, gain^2 / in), gain sqrt(2) after relu; bias 0",
     {},
     [](const InitTarget& t, std::span<const double>) {
       init::kaiming_normal_(t.weight, 0.0, init::FanMode::FanIn, kaiming_nonlinearity(t.activation), &t.gen);
       zero_bias(t);
     }},
}};

}  // namespace

std::span<const InitType> init_types() { return kInits; }

const InitType& find_init_type(std::string_view name) {
  for (const InitType& t : kInits)
    if (t.name == name) return t;
  throw ValueError("unknown init \"" + std::string(name) + "\" (known: " + util::join(init_names()) + ")");
}

std::vector<std::string> init_names() {
  std::vector<std::string> out;
  for (const InitType& t : kInits) out.emplace_back(t.name);
  return out;
}

}  // namespace descent::nn
