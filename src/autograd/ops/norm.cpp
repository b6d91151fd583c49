// ||v||_p over the last dimension (torch.linalg.vector_norm), forward beside its backward.
#include "descent/autograd/ops/norm.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"

namespace descent {

using kernels::BinaryOp;
using kernels::UnaryOp;

Tensor vector_norm(const Tensor& v, double p, bool keepdim) {
  const int dim = v.dim() - 1;
  Tensor out;
  if (p == 2.0) out = kernels::unary(UnaryOp::Sqrt, kernels::sum(kernels::unary(UnaryOp::Square, v), dim, keepdim));
  else if (p == 1.0) out = kernels::sum(kernels::unary(UnaryOp::Abs, v), dim, keepdim);
  else
    out = kernels::pow_scalar(kernels::sum(kernels::pow_scalar(kernels::unary(UnaryOp::Abs, v), p), dim, keepdim),
                              1.0 / p);
  if (!any_requires_grad({&v})) return out;
  // d||v||_p/dv = sign(v) |v|^(p-1) / ||v||_p^(p-1) (v / ||v|| for p = 2, sign(v) for p = 1), 0 where
  // the norm is 0 (it has no derivative there), as PyTorch's norm backward
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
      const Tensor safe =
          kernels::binary(BinaryOp::Add, nk, kernels::binary(BinaryOp::Eq, nk, zeros(Shape{}, nk.dtype())));
      d = p == 2.0 ? kernels::binary(BinaryOp::Div, v, safe)
                   : kernels::binary(
                         BinaryOp::Mul, kernels::unary(UnaryOp::Sign, v),
                         kernels::binary(BinaryOp::Div, kernels::pow_scalar(kernels::unary(UnaryOp::Abs, v), p - 1.0),
                                         kernels::pow_scalar(safe, p - 1.0)));
    }
    return Grads{kernels::binary(BinaryOp::Mul, d, gk)};
  });
}

}  // namespace descent
