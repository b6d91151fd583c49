#pragma once
// Scalar forms of the functions several kernels need, written once so that every caller gets the
// same numerically stable version.

#include <algorithm>
#include <cmath>

namespace descent::kernels {

// 1 / (1 + e^-x), stable on both sides: never exponentiates a large positive number.
template <class T>
inline T stable_sigmoid(T x) {
  if (x >= 0) return T(1) / (T(1) + static_cast<T>(std::exp(-x)));
  const T e = static_cast<T>(std::exp(x));
  return e / (T(1) + e);
}

// log sigmoid(x) = min(x, 0) - log(1 + e^-|x|): no overflow, no lost digits for large |x|.
template <class T>
inline T log_sigmoid(T x) {
  return std::min(x, T(0)) - static_cast<T>(std::log1p(std::exp(-std::abs(x))));
}

}  // namespace descent::kernels
