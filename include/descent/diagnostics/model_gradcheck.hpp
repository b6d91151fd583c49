#pragma once
// Gradient check of a whole model and loss on a real batch: the gradient backward() computes for
// every parameter tensor against central differences (L(p + eps) - L(p - eps)) / (2 eps), in float64.
// Where gradcheck() (gradcheck.hpp) takes one function's whole Jacobian, this takes the one number
// training minimizes and checks each parameter tensor, all of its elements or a seeded sample, so
// that a model of a few hundred thousand parameters is checked in seconds.
//
//   auto result = diagnostics::gradcheck_model(model, nn::CrossEntropyLoss{}, batch.inputs, batch.targets);
//   std::cout << result.report();  // one row per parameter tensor, then one sentence per failure
//
// A failure's sentence names the parameter, says how the two gradients differ (zero where the
// numerical one is not, the opposite sign, a constant factor such as a missing 1/N, or otherwise) and
// names the custom functions (autograd/function.hpp) between the loss and the parameter: a
// hand-written backward is the first suspect. A constant factor is named only when a least-squares
// fit a ~ scale * n explains the checked elements and the scale is more than 1% away from 1: a ratio
// of 1.00 is no wrong factor, but a few elements that differ.
//
// Kinks. A ReLU input or a max-pool window's runner-up within eps of the kink makes the loss
// non-smooth inside [p - eps, p + eps], and the central difference there averages two slopes: on
// MNIST a LeNet tower has a few such elements in most batches (pre-activations within 1e-7 of 0).
// An element that fails is first asked whether it straddles a kink: its one-sided differences
// (L(p + eps) - L(p)) / eps and (L(p) - L(p - eps)) / eps disagree beyond the tolerance. Such an
// element is re-tested with eps / 100, then eps / 10^4 (the tolerance widened by the rounding of
// L / eps), and passes or fails there. One whose one-sided differences still disagree at eps / 10^4
// sits on the kink (a tie, a ReLU input of exactly 0, as zero-initialised weights give): it is left
// out of the verdict and counted ("3 elements at a kink left out"), never reported as a wrong
// gradient; a tensor whose every checked element sits on a kink is reported as not checked, not as
// passed. A wrong backward next to a kink is still caught: at the smaller eps the one-sided
// differences agree with each other and not with it. One exactly on a kink is not (the loss has no
// derivative there); tests/autograd/kink_conventions_test.cpp pins PyTorch's choice at ties and 0.
#include <cstdint>
#include <string>
#include <vector>

#include "descent/diagnostics/loss_fn.hpp"
#include "descent/nn/module.hpp"

namespace descent::diagnostics {

struct ModelGradcheckOptions {
  // Elements checked per parameter tensor: the one with the largest analytic gradient and the rest
  // drawn at random from `seed`; 0 checks every element. Each costs two forward passes: the default
  // keeps a model of a few hundred thousand parameters on a batch of 64 well under a minute.
  std::int64_t samples = 100;
  std::uint64_t seed = 0;
  double eps = 1e-6;
  // An element passes when |analytic - numerical| <= atol + rtol |numerical|. Central differences in
  // float64 are good to about 1e-10 here, so these leave room for rounding and none for a wrong factor.
  double atol = 1e-6;
  double rtol = 1e-4;
};

// Elements whose central difference at eps straddled a kink, and the first of them.
struct KinkElements {
  std::int64_t count = 0;
  std::int64_t first_index = -1;     // flat index
  double analytic = 0;               // its analytic gradient
  double eps = 0;                    // the step of its verdict (the last one tried)
  double forward = 0, backward = 0;  // its one-sided differences at options.eps, which disagree
};

struct ParameterGradcheck {
  std::string name;  // as named_parameters() names it: "0.weight"
  Shape shape;
  std::int64_t checked = 0;            // elements compared, those at a kink included
  double max_abs_error = 0;            // max |analytic - numerical| over the checked elements
  double max_rel_error = 0;            // max |a - n| / max(|a|, |n|, atol)
  std::int64_t worst_index = -1;       // flat index of the element furthest outside its tolerance
  double analytic = 0, numerical = 0;  // the two gradients there
  // Least-squares factor a ~ scale * n over the checked elements, and whether it explains them all:
  // a backward off by a constant (2, 1/N, -1) shows here.
  double scale = 1;
  bool uniform_scale = false;
  bool passed = true;
  std::string explanation;  // one sentence naming the parameter, when it failed
  KinkElements retested;    // compared at a smaller eps: their first difference straddled a kink
  KinkElements at_kink;     // still at a kink at eps / 10^4: left out of the verdict and of the errors

  // Every checked element sat at a kink: nothing is known of this gradient.
  bool unchecked() const { return checked > 0 && at_kink.count == checked; }
};

struct ModelGradcheckResult {
  double loss = 0;     // at the unperturbed parameters, in float64
  bool passed = true;  // no tensor failed (one that could not be checked, unchecked(), does not fail)
  ModelGradcheckOptions options;
  std::vector<ParameterGradcheck> parameters;  // in named_parameters() order

  std::vector<std::string> failures() const;   // the explanations of the failed rows
  std::vector<std::string> unchecked() const;  // a sentence per tensor whose every element sat at a kink
  // A header line, the table, a note per tensor with elements at kinks, then the failures.
  std::string report() const;
};

// Checks loss(model(inputs), targets). The model is converted to float64 for the check and restored
// exactly afterwards (dtype, values, gradients); floating inputs and targets are converted too, int64
// targets (class labels) are kept. Every forward pass of the check starts from the same state of
// default_generator(), put back afterwards, so dropout in training mode draws the same masks in each
// (a Dropout with a generator of its own must not be in training mode). Throws ValueError when the
// loss is not a single number or the model has no parameters.
ModelGradcheckResult gradcheck_model(nn::Module& model, const LossFn& loss, const Tensor& inputs, const Tensor& targets,
                                     ModelGradcheckOptions options = {});

}  // namespace descent::diagnostics
