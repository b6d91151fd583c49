#include "descent/autograd/ops/reduction.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"

namespace descent {
namespace {

// The gradient of a sum spreads g over the summed elements: expand g (with the summed dimension
// restored as size 1) to the input's shape, times `scale` (1 for sum, 1/n for mean).
Tensor spread(const Tensor& g, const Shape& input_shape, int dim, bool keepdim, double scale) {
  Tensor gk = kernels::contiguous(g);
  if (dim >= 0 && !keepdim) {
    Shape s = gk.shape();
    s.insert(dim, 1);
    gk = gk.view_as_shape(s);
  }
  Tensor out = zeros(input_shape, g.dtype());
  kernels::add_(out, gk, scale);
  return out;
}

Tensor reduce(const Tensor& a, int dim, bool keepdim, bool is_mean) {
  const std::int64_t n = dim < 0 ? a.numel() : (a.dim() == 0 ? 1 : a.shape()[dim]);
  Tensor out = dim < 0 ? (is_mean ? kernels::mean(a) : kernels::sum(a))
                       : (is_mean ? kernels::mean(a, dim, keepdim) : kernels::sum(a, dim, keepdim));
  if (!any_requires_grad({&a})) return out;
  const double scale = is_mean ? 1.0 / static_cast<double>(n) : 1.0;
  // d(sum x)/dx_i = 1; d(mean x)/dx_i = 1/n
  return record(out, is_mean ? "mean" : "sum", {&a}, [shape = a.shape(), dim, keepdim, scale](const Tensor& g) {
    return Grads{spread(g, shape, dim, keepdim, scale)};
  });
}

}  // namespace

Tensor sum(const Tensor& a) { return reduce(a, -1, false, false); }
Tensor mean(const Tensor& a) { return reduce(a, -1, false, true); }
Tensor sum(const Tensor& a, std::int64_t dim, bool keepdim) {
  return reduce(a, a.dim() == 0 ? (normalize_dim(dim, 0), -1) : normalize_dim(dim, a.dim()), keepdim, false);
}
Tensor mean(const Tensor& a, std::int64_t dim, bool keepdim) {
  return reduce(a, a.dim() == 0 ? (normalize_dim(dim, 0), -1) : normalize_dim(dim, a.dim()), keepdim, true);
}

Tensor Tensor::sum() const { return descent::sum(*this); }
Tensor Tensor::sum(std::int64_t dim, bool keepdim) const { return descent::sum(*this, dim, keepdim); }
Tensor Tensor::mean() const { return descent::mean(*this); }
Tensor Tensor::mean(std::int64_t dim, bool keepdim) const { return descent::mean(*this, dim, keepdim); }

}  // namespace descent
