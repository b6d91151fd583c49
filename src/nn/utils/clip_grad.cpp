#include "descent/nn/utils/clip_grad.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/util/number_text.hpp"

namespace descent::nn::utils {
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type) {
  if (!(max_norm >= 0))
    throw ValueError("clip_grad_norm_: max_norm = " + util::format_number(max_norm) + ": expected max_norm >= 0");
  if (!(norm_type > 0))
    throw ValueError("clip_grad_norm_: norm_type = " + util::format_number(norm_type) +
                     ": expected norm_type > 0 (or infinity)");
  std::vector<Tensor> grads;
  for (const Tensor& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return 0.0;
  // The norm of the per-tensor norms equals the norm of all elements together.
  std::vector<double> norms;
  for (const Tensor& g : grads) norms.push_back(kernels::norm(g, norm_type));
  double total = 0;
  if (std::isinf(norm_type)) {
    for (double n : norms) total = std::isnan(n) || n > total ? n : total;
  } else {
    for (double n : norms) total += std::pow(n, norm_type);
    total = std::pow(total, 1.0 / norm_type);
  }
  const double coef = std::min(max_norm / (total + 1e-6), 1.0);
  for (const Tensor& g : grads) kernels::mul_(g, coef);
  return total;
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  if (!(clip_value >= 0))
    throw ValueError("clip_grad_value_: clip_value = " + util::format_number(clip_value) +
                     ": expected clip_value >= 0");
  for (const Tensor& p : parameters)
    if (p.grad().defined()) kernels::clamp_(p.grad(), -clip_value, clip_value);
}

}  // namespace descent::nn::utils
