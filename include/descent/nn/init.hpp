#pragma once
// Weight initialisation, in place and seeded, with PyTorch's names and formulas
// (torch.nn.init): fan_in / fan_out of a (out, in, ...) weight, gains per nonlinearity.
#include <string_view>

#include "descent/tensor/generator.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn::init {

enum class FanMode { FanIn, FanOut };

// sigmoid/linear/identity 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + a^2)).
double calculate_gain(std::string_view nonlinearity, double param = 0.01);

void zeros_(const Tensor& t);
void ones_(const Tensor& t);
void constant_(const Tensor& t, double value);
void uniform_(const Tensor& t, double low = 0.0, double high = 1.0, Generator* gen = nullptr);
void normal_(const Tensor& t, double mean = 0.0, double std = 1.0, Generator* gen = nullptr);
// Glorot & Bengio (2010): U(-b, b), b = gain sqrt(6 / (fan_in + fan_out)); N(0, gain^2 2 / (fan_in + fan_out)).
void xavier_uniform_(const Tensor& t, double gain = 1.0, Generator* gen = nullptr);
void xavier_normal_(const Tensor& t, double gain = 1.0, Generator* gen = nullptr);
// He et al. (2015): U(-b, b), b = gain sqrt(3 / fan); N(0, gain^2 / fan), gain from the nonlinearity.
void kaiming_uniform_(const Tensor& t, double a = 0.0, FanMode mode = FanMode::FanIn,
                      std::string_view nonlinearity = "leaky_relu", Generator* gen = nullptr);
void kaiming_normal_(const Tensor& t, double a = 0.0, FanMode mode = FanMode::FanIn,
                     std::string_view nonlinearity = "leaky_relu", Generator* gen = nullptr);

struct Fans {
  double fan_in, fan_out;
};
Fans calculate_fan_in_and_fan_out(const Tensor& t);

}  // namespace descent::nn::init
