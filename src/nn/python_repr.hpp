#pragma once
// Numbers and tuples printed as Python prints them, so that describe() matches PyTorch's repr:
// 1e-05, 0.1, 1.0, (5, 5), (10,).
#include <string>

#include "descent/tensor/shape.hpp"
#include "descent/tensor/size2.hpp"

namespace descent::nn {

// Python's repr of a float: the shortest digits that round-trip, fixed notation for exponents in
// [-4, 16), else scientific with a two-digit exponent ("1e-05").
std::string python_float(double v);
// An int-valued double without ".0" (PyTorch's integer defaults, Softplus(beta=1)), else python_float.
std::string python_number(double v);
// "(h, w)", or "k" when both sides are the same k (how PyTorch prints a pooling size given as an int).
std::string python_size(const Size2& s, bool collapse);
// "(10,)" or "(3, 4)".
std::string python_tuple(const Shape& s);

}  // namespace descent::nn
