#include "descent/autograd/ops/linalg.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"

namespace descent {
namespace {

// Views a vector as a matrix so that one 2-d rule serves the 1-d cases of matmul.
Tensor as_row(const Tensor& v) { return kernels::contiguous(v).view_as_shape(Shape{1, v.numel()}); }
Tensor as_col(const Tensor& v) { return kernels::contiguous(v).view_as_shape(Shape{v.numel(), 1}); }

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  Tensor out = kernels::matmul(a, b);
  if (!any_requires_grad({&a, &b})) return out;
  const bool ga = a.requires_grad(), gb = b.requires_grad();
  // C = A B:  dA = dC B^T,  dB = A^T dC  (vectors promoted to matrices, batches folded or looped)
  return record(out, "matmul", {&a, &b}, [a, b, ga, gb](const Tensor& g) {
    const Tensor gc = kernels::contiguous(g);
    Tensor da, db;
    if (a.dim() == 3 && b.dim() == 3) {
      if (ga) da = kernels::matmul(gc, kernels::contiguous(b.view_transposed(1, 2)));
      if (gb) db = kernels::matmul(kernels::contiguous(a.view_transposed(1, 2)), gc);
      return Grads{da, db};
    }
    // Fold every operand to 2-d.
    const Tensor a2 = a.dim() == 1 ? as_row(a)
                      : a.dim() == 2
                          ? a
                          : kernels::contiguous(a).view_as_shape(Shape{a.numel() / a.shape().back(), a.shape().back()});
    const Tensor b2 = b.dim() == 1 ? as_col(b) : b;
    const Tensor g2 = gc.view_as_shape(Shape{a2.shape()[0], b2.shape()[1]});
    if (ga) {
      Tensor d = Tensor::empty(a2.shape(), a.dtype());
      kernels::gemm(g2, false, b2, true, d, 1, 0);
      da = d.view_as_shape(a.shape());
    }
    if (gb) {
      Tensor d = Tensor::empty(b2.shape(), b.dtype());
      kernels::gemm(a2, true, g2, false, d, 1, 0);
      db = d.view_as_shape(b.shape());
    }
    return Grads{da, db};
  });
}

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& bias) {
  Tensor out = kernels::linear(x, w, bias);
  if (!any_requires_grad({&x, &w, &bias})) return out;
  const bool gx = x.requires_grad(), gw = w.requires_grad(), gbias = bias.defined() && bias.requires_grad();
  // Y = X W^T + b:  dX = dY W,  dW = dY^T X,  db = sum_rows dY
  return record(out, "linear", {&x, &w, &bias}, [x, w, gx, gw, gbias](const Tensor& g) {
    Tensor dx, dw, db;
    if (gx) {
      dx = Tensor::empty(x.shape(), x.dtype());
      kernels::gemm(g, false, w, false, dx, 1, 0);
    }
    if (gw) {
      dw = Tensor::empty(w.shape(), w.dtype());
      kernels::gemm(g, true, x, false, dw, 1, 0);
    }
    if (gbias) db = kernels::sum(g, 0, false);
    return Grads{dx, dw, db};
  });
}

}  // namespace descent
