#pragma once
// Numerical gradient check, a public tool (not only a test helper): compares the analytic Jacobian
// that backward() computes with central differences (f(x + eps) - f(x - eps)) / (2 eps), in float64,
// for every element of every input and every element of the output. An entry whose difference
// interval crosses a kink (a ReLU input or a max-pool tie within eps) is re-tested with eps / 100 and
// eps / 10^4, and left out of the verdict, counted, when it is still at a kink: the rule is
// model_gradcheck.hpp's. Tests of an op still move their inputs off kinks, so that every entry counts.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent {

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-5;  // an entry passes when |analytic - numerical| <= atol + rtol |numerical|
  double rtol = 1e-3;
};

struct InputCheck {
  double max_abs_error = 0;
  double max_rel_error = 0;              // |a - n| / max(|a|, |n|) at the worst entry (0 when both are 0)
  std::int64_t worst_input_index = -1;   // flat index into the input
  std::int64_t worst_output_index = -1;  // flat index into the output
  double analytic = 0, numerical = 0;    // the Jacobian entries at the worst place
  bool passed = true;
  std::int64_t entries = 0;   // Jacobian entries of this input: outputs x input elements
  std::int64_t retested = 0;  // entries compared at a smaller eps, their first difference having straddled a kink
  std::int64_t at_kink = 0;   // entries still at a kink at eps / 10^4: left out of the verdict and the errors
};

struct GradcheckResult {
  bool passed = true;
  std::vector<InputCheck> inputs;  // one per input, in order
  std::string report() const;      // one line per input
};

// `f` maps the inputs to an output tensor (any shape). Every input must be float64; each is cloned
// into a leaf that requires grad, so the caller's tensors are not modified.
GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f, const std::vector<Tensor>& inputs,
                          GradcheckOptions options = {});

}  // namespace descent
