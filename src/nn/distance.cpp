// pairwise_distance = ||x1 - x2 + eps||_p over the last dimension; cosine_similarity =
// sum (x1 / max(||x1||, eps)) (x2 / max(||x2||, eps)), PyTorch 1.13's computation of both.
#include "descent/nn/distance.hpp"

#include <cmath>

#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/autograd/ops/norm.hpp"
#include "descent/autograd/ops/reduction.hpp"
#include "descent/tensor/creation.hpp"
#include "losses/target_checks.hpp"
#include "piecewise.hpp"

namespace descent::nn {
namespace {

// x broadcast to `shape`, differentiably (the engine sums the gradient back to x's shape).
Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  return x.shape() == shape ? x : add(x, zeros(shape, x.dtype()));
}

}  // namespace

Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p, double eps, bool keepdim) {
  const char* what = "pairwise_distance";
  checks::option(what, p >= 1 && std::isfinite(p), "p", p, "a finite p >= 1");
  checks::option(what, eps >= 0, "eps", eps, "eps >= 0");
  const Shape shape = broadcast_shapes(x1.shape(), x2.shape());  // ShapeError naming both
  if (shape.size() == 0) throw ShapeError(std::string(what) + ": inputs are 0-d; expected vectors (D) or rows (N, D)");
  return vector_norm(sub(x1, x2) + eps, p, keepdim);
}

Tensor cosine_similarity(const Tensor& x1_in, const Tensor& x2_in, std::int64_t dim_in, double eps) {
  const char* what = "cosine_similarity";
  checks::option(what, eps >= 0, "eps", eps, "eps >= 0");
  const Shape shape = broadcast_shapes(x1_in.shape(), x2_in.shape());
  const int dim = normalize_dim(dim_in, shape.size());
  const Tensor x1 = broadcast_to(x1_in, shape), x2 = broadcast_to(x2_in, shape);
  // max(||x||, eps) = sqrt(max(sum x^2, eps^2)); the clamp comes before the root, so that no
  // gradient reaches sqrt at 0
  auto clamped_norm = [&](const Tensor& x) {
    const Tensor squares = sum(mul(x, x), dim, true);
    const double floor = eps * eps;
    return sqrt(piecewise(less_than(squares, floor), full(Shape{}, floor, x.dtype()), squares));
  };
  // PyTorch 1.13's order: sum (x1 / n1) (x2 / n2), each vector normalized first
  return sum(mul(div(x1, clamped_norm(x1)), div(x2, clamped_norm(x2))), dim);
}

}  // namespace descent::nn
