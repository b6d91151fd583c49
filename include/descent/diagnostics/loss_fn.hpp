#pragma once
// What the model-level checks evaluate: loss(model(inputs), targets), a scalar, on one batch.
#include <functional>

#include "descent/tensor/tensor.hpp"

namespace descent::diagnostics {

// loss(output, targets) -> a one-element tensor; any callable (nn::CrossEntropyLoss, a lambda around
// a custom function, train::build_loss).
using LossFn = std::function<Tensor(const Tensor& output, const Tensor& targets)>;

}  // namespace descent::diagnostics
