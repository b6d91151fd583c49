#include "descent/train/minimize.hpp"

#include <cmath>
#include <string>

#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::train {
namespace {

// The state at the parameters `x`, whose gradients backward() has just filled (or left undefined,
// for a variable the function does not use).
MinimizePoint read_point(std::int64_t step, const std::vector<Tensor>& x, const Tensor& loss, Dtype dtype) {
  MinimizePoint p;
  p.step = step;
  p.loss = loss.item();
  double squares = 0;
  for (const Tensor& xi : x) {
    p.x.push_back(xi.item());
    const Tensor g = xi.grad();
    p.grad.push_back(g.defined() ? g.item() : 0.0);
    squares += p.grad.back() * p.grad.back();
  }
  p.grad_norm = std::sqrt(squares);
  if (dtype == Dtype::Float32) p.grad_norm = static_cast<float>(p.grad_norm);
  return p;
}

}  // namespace

MinimizePoint minimize(const functions::Objective& f, const optim::OptimizerSpec& spec, const MinimizeOptions& options,
                       const std::function<void(const MinimizePoint&)>& on_point) {
  const std::size_t n = options.x0.size();
  f.check_variables(n);
  if (options.steps < 0)
    throw ValueError("minimize: steps = " + std::to_string(options.steps) + ": expected steps >= 0");
  if (!is_floating(options.dtype))
    throw ValueError("minimize: dtype " + std::string(to_string(options.dtype)) + ": expected float32 or float64");

  const std::vector<std::string> names = functions::Objective::variable_names(n);
  std::vector<Tensor> x;
  optim::NamedParameters params;
  for (std::size_t i = 0; i < n; ++i) {
    x.push_back(scalar_tensor(options.x0[i], options.dtype).requires_grad_());
    params.emplace_back(names[i], x.back());
  }
  const std::unique_ptr<optim::Optimizer> optimizer = optim::make_optimizer(spec, params);

  for (std::int64_t step = 0;; ++step) {
    optimizer->zero_grad();
    const Tensor loss = f(x);
    if (loss.requires_grad()) loss.backward();  // a constant function leaves every gradient undefined
    MinimizePoint point = read_point(step, x, loss, options.dtype);
    if (on_point) on_point(point);
    if (step == options.steps) return point;
    optimizer->step();
  }
}

}  // namespace descent::train
