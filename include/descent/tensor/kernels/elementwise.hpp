#pragma once
// Elementwise arithmetic without gradients: the building blocks the autograd ops call.
// Binary ops broadcast (NumPy rules); results are new contiguous tensors unless the name ends in '_',
// or unless an `out` of the result's shape and dtype is given: then they are written there (a
// captured training step's buffers, train/captured_step.hpp). `out` must not overlap an operand.
#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

enum class BinaryOp { Add, Sub, Mul, Div, Pow, Max, Min, Gt, Lt, Eq };
enum class UnaryOp { Neg, Exp, Log, Sqrt, Sigmoid, Tanh, Relu, Abs, Sin, Cos, Sign, Reciprocal, Square };

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out = Tensor());
Tensor unary(UnaryOp op, const Tensor& a, const Tensor& out = Tensor());
// a^p and a * s + c with a scalar exponent, scale and shift.
Tensor pow_scalar(const Tensor& a, double p);
Tensor affine(const Tensor& a, double scale, double shift, const Tensor& out = Tensor());
// where(cond != 0, a, b), all broadcast.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

// Backward helpers, each one pass over memory: g * s(1-s), g * (1-t^2), g * [x>0].
Tensor sigmoid_backward(const Tensor& grad, const Tensor& sigmoid_out, const Tensor& out = Tensor());
Tensor tanh_backward(const Tensor& grad, const Tensor& tanh_out, const Tensor& out = Tensor());
Tensor relu_backward(const Tensor& grad, const Tensor& relu_in, const Tensor& out = Tensor());

// A contiguous copy (or the tensor itself when already contiguous), and a dtype conversion.
Tensor contiguous(const Tensor& a);
// The same without a new handle when `a` is contiguous already (the kernels' hot path, where counting a
// reference costs as much as a small kernel's loop): `a` itself, else a copy held in `keep`.
inline const Tensor& contiguous_ref(const Tensor& a, Tensor& keep) {
  if (a.is_contiguous()) return a;
  keep = contiguous(a);
  return keep;
}
Tensor cast(const Tensor& a, Dtype dtype);
// Copies src into dst elementwise (shapes equal, dst contiguous; dtypes may differ).
void copy_(const Tensor& dst, const Tensor& src);

// In place on contiguous `y`: y += alpha * x (x broadcast to y), y *= s.
void add_(const Tensor& y, const Tensor& x, double alpha = 1.0);
void mul_(const Tensor& y, double s);

// In place on contiguous `y`, the pointwise steps of the optimizers, each rounded as PyTorch's op of
// the same name (a, b, x shaped like y):
//   addcmul_: y <- y + (value * a) * b        addcdiv_: y <- y + (value * a) / b
//   maximum_: y <- max(y, x), NaN wins        div_: y <- y / s      add_scalar_: y <- y + c
//   sqrt_:    y <- sqrt(y)                    clamp_: y <- min(max(y, low), high)
void addcmul_(const Tensor& y, const Tensor& a, const Tensor& b, double value = 1.0);
void addcdiv_(const Tensor& y, const Tensor& a, const Tensor& b, double value = 1.0);
void maximum_(const Tensor& y, const Tensor& x);
void div_(const Tensor& y, double s);
void add_scalar_(const Tensor& y, double c);
void sqrt_(const Tensor& y);
void clamp_(const Tensor& y, double low, double high);

// True when every element is finite.
bool all_finite(const Tensor& a);

}  // namespace descent::kernels
