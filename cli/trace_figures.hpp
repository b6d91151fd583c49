#pragma once
// Figures for `descent plot`, built from the files descent writes.
#include <string>
#include <vector>

#include "descent/diagnostics/plot.hpp"

namespace descent::cli {

// Loss (left axis) and test accuracy (right axis) per epoch, one pair of series per file.
plot::Figure metrics_figure(const std::vector<std::string>& files);
// Training traces: every recorded column per step (loss and grad_norm on the right axis).
// Minimize traces: the path through the variables, over the function when it can be evaluated.
plot::Figure trace_figure(const std::vector<std::string>& files);

}  // namespace descent::cli
