#include "descent/autograd/anomaly.hpp"

#include <cstdio>
#include <vector>

#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"

namespace descent {
namespace {
thread_local bool anomaly_enabled = false;
thread_local std::vector<std::string> layer_stack;
}  // namespace

NonFiniteError::NonFiniteError(std::string op_, std::string phase_, std::string layer_, std::string inputs_)
    : Error("non-finite value (NaN or infinity) first appeared in the " + phase_ + " pass of op '" + op_ + "'" +
            (layer_.empty() ? std::string() : " in layer " + layer_) + (inputs_.empty() ? "" : "; " + inputs_)),
      op(std::move(op_)),
      phase(std::move(phase_)),
      layer(std::move(layer_)),
      inputs(std::move(inputs_)) {}

bool is_anomaly_enabled() { return anomaly_enabled; }

DetectAnomalyGuard::DetectAnomalyGuard(bool enabled) : previous_(anomaly_enabled) { anomaly_enabled = enabled; }
DetectAnomalyGuard::~DetectAnomalyGuard() { anomaly_enabled = previous_; }

LayerScope::LayerScope(const std::string& name) : pushed_(anomaly_enabled) {
  if (pushed_) layer_stack.push_back(layer_stack.empty() ? name : layer_stack.back() + "." + name);
}
LayerScope::~LayerScope() {
  if (pushed_) layer_stack.pop_back();
}
std::string LayerScope::current() { return layer_stack.empty() ? std::string() : layer_stack.back(); }

std::string describe_range(const Tensor& t) {
  if (!t.defined() || !is_floating(t.dtype()) || t.numel() == 0) return "(no values)";
  char buf[160];
  std::snprintf(buf, sizeof buf, "(shape %s): min %.6g, max %.6g%s", to_string(t.shape()).c_str(),
                -kernels::max(kernels::unary(kernels::UnaryOp::Neg, t)).item(), kernels::max(t).item(),
                kernels::all_finite(t) ? "" : ", not all finite");
  return buf;
}

std::string describe_ranges(std::span<const Tensor* const> inputs) {
  std::string out;
  int i = 0;
  for (const Tensor* t : inputs) {
    if (t && t->defined() && is_floating(t->dtype()))
      out += (out.empty() ? "" : "; ") + ("input " + std::to_string(i) + " ") + describe_range(*t);
    ++i;
  }
  return out;
}

void check_finite(const Tensor& t, const char* op, const char* phase, const std::string& layer,
                  const std::string& inputs) {
  if (t.defined() && is_floating(t.dtype()) && !kernels::all_finite(t)) throw NonFiniteError(op, phase, layer, inputs);
}

}  // namespace descent
