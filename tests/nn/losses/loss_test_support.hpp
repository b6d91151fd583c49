#pragma once
// What the hand-derived loss tests share: float64 tensors from literals, elementwise comparison, and
// a check that a call throws the expected error type with a message containing given text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "descent/descent.hpp"

namespace descent::nn::testing {

using V = std::vector<double>;

inline Tensor f64(const V& values, const Shape& shape) { return from_vector(values, shape, Dtype::Float64); }
inline Tensor f64(const V& values) { return f64(values, Shape{static_cast<std::int64_t>(values.size())}); }
inline Tensor leaf(const V& values, const Shape& shape) { return f64(values, shape).requires_grad_(); }
inline Tensor leaf(const V& values) { return f64(values).requires_grad_(); }

inline void expect_near(const V& got, const V& want, double tol = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

// Runs f, which must throw E with a message containing `text`.
template <class E, class F>
void expect_error(F&& f, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one saying: " << text;
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << "message: " << e.what();
  }
}

}  // namespace descent::nn::testing
