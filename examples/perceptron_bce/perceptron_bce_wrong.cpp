// The perceptron with two wrong hand-derived gradients, each checked: the 1/N left out
// (dW = (A - Y)^T X, N times too large) and the sign flipped (dZ = (Y - A) / N, uphill). The checks
// flag both, each with a sentence naming the parameter; the exit status is 1 when a check failed.
#include "perceptron.hpp"

namespace {

// dZ = A - Y: the mean's 1/N forgotten.
descent::Tensor without_mean(const descent::Tensor& a, const descent::Tensor& y, double) { return a - y; }

// dZ = (Y - A) / N: the sign flipped.
descent::Tensor sign_flipped(const descent::Tensor& a, const descent::Tensor& y, double n) { return (y - a) / n; }

}  // namespace

int main() {
  const bool first = perceptron::check_and_train("dZ = A - Y (the 1/N left out)", without_mean);
  const bool second = perceptron::check_and_train("dZ = (Y - A) / N (the sign flipped)", sign_flipped);
  return first && second ? 0 : 1;
}
