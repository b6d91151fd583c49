// pairwise_distance = ||x1 - x2 + eps||_p over the last dimension; cosine_similarity =
// sum (x1 / max(||x1||, eps)) (x2 / max(||x2||, eps)), PyTorch 1.13's computation of both.
#include "descent/nn/distance.hpp"

#include <cmath>

#include "descent/autograd/node.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/autograd/ops/reduction.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "losses/target_checks.hpp"
#include "piecewise.hpp"

namespace descent::nn {
namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

// ||v||_p over the last dimension, one op with its own backward:
//   d||v||_p/dv = sign(v) |v|^(p-1) / ||v||_p^(p-1)   (v / ||v|| for p = 2, sign(v) for p = 1)
// and 0 where the norm is 0, as PyTorch's norm backward (the norm has no derivative there).
Tensor vector_norm(const Tensor& v, double p, bool keepdim) {
  const int dim = v.dim() - 1;
  Tensor out;
  if (p == 2.0) out = kernels::unary(UnaryOp::Sqrt, kernels::sum(kernels::unary(UnaryOp::Square, v), dim, keepdim));
  else if (p == 1.0) out = kernels::sum(kernels::unary(UnaryOp::Abs, v), dim, keepdim);
  else out = kernels::pow_scalar(kernels::sum(kernels::pow_scalar(kernels::unary(UnaryOp::Abs, v), p), dim, keepdim), 1.0 / p);
  if (!any_requires_grad({&v})) return out;
  return record(out, "vector_norm", {&v}, [v, norm = out.detach(), p, dim, keepdim](const Tensor& g) {
    Tensor gk = kernels::contiguous(g), nk = kernels::contiguous(norm);
    if (!keepdim) {  // restore the reduced dimension, so that both broadcast against v
      Shape s = nk.shape();
      s.insert(dim, 1);
      gk = gk.view_as_shape(s);
      nk = nk.view_as_shape(s);
    }
    Tensor d;
    if (p == 1.0) {
      d = kernels::unary(UnaryOp::Sign, v);
    } else {
      // where the norm is 0, v is 0 too: divide by 1 there to give 0
      const Tensor safe = kernels::binary(BinaryOp::Add, nk, kernels::binary(BinaryOp::Eq, nk, zeros(Shape{}, nk.dtype())));
      d = p == 2.0 ? kernels::binary(BinaryOp::Div, v, safe)
                   : kernels::binary(BinaryOp::Mul, kernels::unary(UnaryOp::Sign, v),
                                     kernels::binary(BinaryOp::Div, kernels::pow_scalar(kernels::unary(UnaryOp::Abs, v), p - 1.0),
                                                     kernels::pow_scalar(safe, p - 1.0)));
    }
    return Grads{kernels::binary(BinaryOp::Mul, d, gk)};
  });
}

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
