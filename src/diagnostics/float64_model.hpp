#pragma once
// The model-level checks run in float64, where central differences and small probe steps are exact
// enough to tell a wrong gradient from rounding. Float64Model converts the caller's model in place for
// the length of a check and puts it back exactly as it was: dtype, parameter values (float32 ->
// float64 -> float32 is exact) and gradients. In place, not on a copy, so that the parameters a caller's
// optimizer factory sees are the model's own.
//
// A check compares forward passes, so they must compute one function: dropout in training mode draws a
// new mask each time, and central differences of two different masks are noise (every element looks
// like a kink, every probe step like a step uphill). Every forward of a check therefore starts from
// default_generator()'s state at the start of the check (rewind_randomness()), so that all see the same
// masks, the way a gradient check of dropout in PyTorch re-seeds before each call; and the state is put
// back afterwards, so that the check draws nothing from the caller's generator. A Dropout with its own
// generator (DropoutOptions::generator) is not covered.
#include <map>
#include <string>
#include <vector>

#include "descent/diagnostics/loss_fn.hpp"
#include "descent/nn/module.hpp"

namespace descent::diagnostics {

class Float64Model {
 public:
  // Throws ValueError when the model has no parameters or parameters of different dtypes.
  explicit Float64Model(nn::Module& model);
  ~Float64Model();
  Float64Model(const Float64Model&) = delete;
  Float64Model& operator=(const Float64Model&) = delete;

  // The parameters, now float64 (the model's own tensors).
  const std::vector<std::pair<std::string, Tensor>>& parameters() const { return parameters_; }
  // loss(model(inputs), targets) as a double, without recording a graph, from the rewound generator.
  double loss(const LossFn& loss_fn, const Tensor& inputs, const Tensor& targets);
  // default_generator() back to its state at construction: the next forward draws the same masks.
  void rewind_randomness() const;

 private:
  nn::Module& model_;
  Dtype dtype_;
  std::map<std::string, Tensor> saved_values_;
  std::vector<Tensor> saved_grads_;
  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::string generator_state_;
};

// Floating tensors as float64 (a copy when they are not already); others (int64 labels) as they are.
Tensor as_float64(const Tensor& t);

// The loss of `output` as a double; throws ValueError when it is not a single element.
double scalar_loss(const Tensor& loss);

}  // namespace descent::diagnostics
