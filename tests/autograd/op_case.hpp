#pragma once
// One row of a gradcheck table: an op's name, its inputs' shapes and range, and the function whose
// Jacobian is checked. Shared by the tables of ops_gradcheck_test.cpp and layer_ops_gradcheck_test.cpp.
#include <cmath>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "descent/descent.hpp"

namespace descent {

struct OpCase {
  std::string name;
  std::vector<Shape> shapes;
  std::function<Tensor(const std::vector<Tensor>&)> f;
  double low = -2.0, high = 2.0;  // input range
  bool avoid_zero = false;        // keep |x| >= 0.1 (kinks at 0)
};

inline void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

// Moves every element of t off (-0.1, 0.1), away from kinks at 0.
inline void move_off_zero(const Tensor& t) {
  double* p = t.data<double>();
  for (std::int64_t i = 0; i < t.numel(); ++i)
    if (std::abs(p[i]) < 0.1) p[i] = p[i] < 0 ? -0.1 - std::abs(p[i]) : 0.1 + p[i];
}

// An int64 tensor (indices) from values.
inline Tensor int_index(std::vector<std::int64_t> v, Shape s) { return from_vector(v, s); }

// Uniform float64 inputs of the case's shapes, from `gen`.
inline std::vector<Tensor> make_inputs(const OpCase& c, Generator& gen) {
  std::vector<Tensor> xs;
  for (const Shape& s : c.shapes) {
    Tensor t = uniform(s, c.low, c.high, Dtype::Float64, &gen);
    if (c.avoid_zero) move_off_zero(t);
    xs.push_back(t);
  }
  return xs;
}

}  // namespace descent
