#include "descent/nn/init.hpp"

#include <cmath>
#include <string>

#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::nn::init {

double calculate_gain(std::string_view nl, double param) {
  if (nl == "linear" || nl == "identity" || nl == "sigmoid" || nl.starts_with("conv")) return 1.0;
  if (nl == "tanh") return 5.0 / 3.0;
  if (nl == "relu") return std::sqrt(2.0);
  if (nl == "leaky_relu") return std::sqrt(2.0 / (1.0 + param * param));
  if (nl == "selu") return 0.75;
  throw ValueError("calculate_gain: unknown nonlinearity \"" + std::string(nl) +
                   "\": expected linear, identity, sigmoid, tanh, relu, leaky_relu or selu");
}

Fans calculate_fan_in_and_fan_out(const Tensor& t) {
  if (t.dim() < 2)
    throw ValueError("fan in and fan out need a tensor of at least 2 dimensions, got shape " + to_string(t.shape()));
  double receptive = 1;
  for (int i = 2; i < t.dim(); ++i) receptive *= static_cast<double>(t.shape()[i]);
  return {static_cast<double>(t.shape()[1]) * receptive, static_cast<double>(t.shape()[0]) * receptive};
}

void zeros_(const Tensor& t) { fill_(t, 0.0); }
void ones_(const Tensor& t) { fill_(t, 1.0); }
void constant_(const Tensor& t, double value) { fill_(t, value); }
void uniform_(const Tensor& t, double low, double high, Generator* gen) { descent::uniform_(t, low, high, gen); }
void normal_(const Tensor& t, double mean, double std, Generator* gen) { descent::normal_(t, mean, std, gen); }

void xavier_uniform_(const Tensor& t, double gain, Generator* gen) {
  const Fans f = calculate_fan_in_and_fan_out(t);
  const double bound = gain * std::sqrt(6.0 / (f.fan_in + f.fan_out));
  descent::uniform_(t, -bound, bound, gen);
}

void xavier_normal_(const Tensor& t, double gain, Generator* gen) {
  const Fans f = calculate_fan_in_and_fan_out(t);
  descent::normal_(t, 0.0, gain * std::sqrt(2.0 / (f.fan_in + f.fan_out)), gen);
}

namespace {
double kaiming_std(const Tensor& t, double a, FanMode mode, std::string_view nl) {
  const Fans f = calculate_fan_in_and_fan_out(t);
  return calculate_gain(nl, a) / std::sqrt(mode == FanMode::FanIn ? f.fan_in : f.fan_out);
}
}  // namespace

void kaiming_uniform_(const Tensor& t, double a, FanMode mode, std::string_view nl, Generator* gen) {
  const double bound = std::sqrt(3.0) * kaiming_std(t, a, mode, nl);
  descent::uniform_(t, -bound, bound, gen);
}

void kaiming_normal_(const Tensor& t, double a, FanMode mode, std::string_view nl, Generator* gen) {
  descent::normal_(t, 0.0, kaiming_std(t, a, mode, nl), gen);
}

}  // namespace descent::nn::init
