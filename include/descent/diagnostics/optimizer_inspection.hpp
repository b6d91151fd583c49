#pragma once
// Looking at the optimizer's settings before any step: values far outside the range where the method
// works (bad_optimizer_setting), and a weight decay strong enough to hold the weights near zero
// (over_regularization). Both are warnings here: a suspect setting becomes the verdict only when the
// watch of training sees the run fail (train/doctor.cpp). Thresholds and why: docs/diagnosis.md.
#include <string>
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/optim/optimizer_spec.hpp"

namespace descent::diagnostics {

// An option's value as a number: the spec's, else the optimizer's default; `index` picks one of a
// list (betas). NaN when the optimizer has no such option.
double optimizer_option(const optim::OptimizerSpec& spec, const std::string& name, std::size_t index = 0);

// `where` of each finding is the option's config key ("optim.momentum"); `suggestion` holds the value
// the fix sets.
std::vector<Finding> inspect_optimizer(const optim::OptimizerSpec& spec);

// Dropout layers with p >= 0.8 (over_regularization, warning), by the names PyTorch prints.
std::vector<Finding> inspect_dropout(const std::vector<std::pair<std::string, double>>& dropout_layers);

}  // namespace descent::diagnostics
