#pragma once
// The last part of the descent-direction check (diagnostics/descent_direction.hpp): what the probes
// measured, and the verdict on it. The probes only measure; the judge alone decides what is a failure
// and what a warning, and says so in one sentence each:
//   - a parameter whose update has a negative cosine with -g: FAILURE (the optimizer goes uphill),
//     or a WARNING when the cosine without weight decay is not negative (the decay outweighs g);
//   - a parameter whose loss rises, when it alone moves, at every probe lr where g . d predicts a
//     fall: FAILURE (the gradient reaching it points uphill; the custom functions above it are named);
//   - the whole step rising at every probe lr: FAILURE (each probe row), with a sentence of its own
//     when no parameter failed alone;
//   - rises at some probe lrs only, or at the configured lr only: WARNING (a step too large);
//   - no parameter moved: WARNING; a change far from g . d at the smallest probe: WARNING (the
//     gradient's scale is wrong).
#include <string>
#include <vector>

#include "descent/diagnostics/descent_direction.hpp"

namespace descent::diagnostics {

// What the probes measured, before any verdict.
struct DirectionProbes {
  // loss, lr, steps (the probes, then the configured step, factor 1) and parameters (at the smallest
  // probe), every status Ok, no failures or warnings yet.
  DescentCheckResult measured;
  // Per parameter, in measured.parameters' order: the change of the loss when it alone moves by its
  // update, at each probe (steps' order, the configured step excluded).
  std::vector<std::vector<double>> alone_actual;
  // Per parameter: the custom functions between the loss and it, nearest the loss first.
  std::vector<std::vector<std::string>> suspects;
  bool moved = false;  // whether the configured step moves any parameter at all
};

// The measurements with each status set and the failures and warnings written. A change of the loss of
// at most rise_tolerance * max(1, |loss|) is rounding, neither rise nor fall.
DescentCheckResult judge_descent_direction(DirectionProbes probes, double rise_tolerance);

// The name of a probe's row: "lr x 0.001", or "configured lr" for factor 1.
std::string probe_label(double factor);

}  // namespace descent::diagnostics
