// Forward and backward of the elementwise arithmetic ops, side by side. Gradients are returned at
// the broadcast output shape; the engine sums them back to each input's shape.
#include "descent/autograd/ops/arithmetic.hpp"

#include <numbers>

#include "descent/autograd/node.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/activation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent {

using kernels::binary;
using kernels::BinaryOp;
using kernels::unary;
using kernels::UnaryOp;

Tensor add(const Tensor& a, const Tensor& b) {
  // d(a+b)/da = 1, d(a+b)/db = 1
  return record(binary(BinaryOp::Add, a, b), "add", {&a, &b}, [](const Tensor& g) { return Grads{g, g}; });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  // d(a-b)/da = 1, d(a-b)/db = -1
  return record(binary(BinaryOp::Sub, a, b), "sub", {&a, &b}, [](const Tensor& g) {
    return Grads{g, unary(UnaryOp::Neg, g)};
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  // d(ab)/da = b, d(ab)/db = a
  Tensor out = binary(BinaryOp::Mul, a, b);
  if (!any_requires_grad({&a, &b})) return out;
  const bool ga = a.requires_grad(), gb = b.requires_grad();
  return record(out, "mul", {&a, &b}, [a, b, ga, gb](const Tensor& g) {
    return Grads{ga ? binary(BinaryOp::Mul, g, b) : Tensor(), gb ? binary(BinaryOp::Mul, g, a) : Tensor()};
  });
}

Tensor div(const Tensor& a, const Tensor& b) {
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -out/b
  Tensor out = binary(BinaryOp::Div, a, b);
  if (!any_requires_grad({&a, &b})) return out;
  const bool ga = a.requires_grad(), gb = b.requires_grad();
  return record(out, "div", {&a, &b}, [b, out = out.detach(), ga, gb](const Tensor& g) {
    const Tensor g_over_b = binary(BinaryOp::Div, g, b);
    return Grads{ga ? g_over_b : Tensor(), gb ? unary(UnaryOp::Neg, binary(BinaryOp::Mul, g_over_b, out)) : Tensor()};
  });
}

Tensor neg(const Tensor& a) {
  // d(-a)/da = -1
  return record(unary(UnaryOp::Neg, a), "neg", {&a}, [](const Tensor& g) { return Grads{unary(UnaryOp::Neg, g)}; });
}

Tensor affine(const Tensor& a, double scale, double shift) {
  // d(a*s + c)/da = s
  return record(kernels::affine(a, scale, shift), "affine", {&a},
                [scale](const Tensor& g) { return Grads{kernels::affine(g, scale, 0.0)}; });
}

Tensor operator/(double s, const Tensor& a) { return affine(pow(a, -1.0), s, 0.0); }

Tensor pow(const Tensor& a, double p) {
  // d(a^p)/da = p a^(p-1)
  Tensor out = kernels::pow_scalar(a, p);
  if (!any_requires_grad({&a})) return out;
  return record(out, "pow", {&a}, [a, p](const Tensor& g) {
    return Grads{binary(BinaryOp::Mul, g, kernels::affine(kernels::pow_scalar(a, p - 1.0), p, 0.0))};
  });
}

Tensor pow(const Tensor& a, const Tensor& b) {
  // d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a
  Tensor out = binary(BinaryOp::Pow, a, b);
  if (!any_requires_grad({&a, &b})) return out;
  const bool ga = a.requires_grad(), gb = b.requires_grad();
  return record(out, "pow", {&a, &b}, [a, b, out = out.detach(), ga, gb](const Tensor& g) {
    Tensor da, db;
    if (ga)
      da = binary(BinaryOp::Mul, g, binary(BinaryOp::Mul, b, binary(BinaryOp::Pow, a, kernels::affine(b, 1.0, -1.0))));
    if (gb) db = binary(BinaryOp::Mul, g, binary(BinaryOp::Mul, out, unary(UnaryOp::Log, a)));
    return Grads{da, db};
  });
}

Tensor exp(const Tensor& a) {
  // d/dx e^x = e^x
  Tensor out = unary(UnaryOp::Exp, a);
  return record(out, "exp", {&a},
                [out = out.detach()](const Tensor& g) { return Grads{binary(BinaryOp::Mul, g, out)}; });
}

Tensor log(const Tensor& a) {
  // d/dx ln x = 1/x
  return record(unary(UnaryOp::Log, a), "log", {&a},
                [a](const Tensor& g) { return Grads{binary(BinaryOp::Div, g, a)}; });
}

Tensor sqrt(const Tensor& a) {
  // d/dx sqrt(x) = 1 / (2 sqrt(x))
  Tensor out = unary(UnaryOp::Sqrt, a);
  return record(out, "sqrt", {&a}, [out = out.detach()](const Tensor& g) {
    return Grads{binary(BinaryOp::Div, g, kernels::affine(out, 2.0, 0.0))};
  });
}

Tensor abs(const Tensor& a) {
  // d/dx |x| = sign(x)
  return record(unary(UnaryOp::Abs, a), "abs", {&a},
                [a](const Tensor& g) { return Grads{binary(BinaryOp::Mul, g, unary(UnaryOp::Sign, a))}; });
}

Tensor sin(const Tensor& a) {
  // d/dx sin x = cos x
  return record(unary(UnaryOp::Sin, a), "sin", {&a},
                [a](const Tensor& g) { return Grads{binary(BinaryOp::Mul, g, unary(UnaryOp::Cos, a))}; });
}

Tensor cos(const Tensor& a) {
  // d/dx cos x = -sin x
  return record(unary(UnaryOp::Cos, a), "cos", {&a}, [a](const Tensor& g) {
    return Grads{unary(UnaryOp::Neg, binary(BinaryOp::Mul, g, unary(UnaryOp::Sin, a)))};
  });
}

Tensor erf(const Tensor& a) {
  // d/dx erf x = 2 / sqrt(pi) e^(-x^2)
  return record(kernels::erf(a), "erf", {&a}, [a](const Tensor& g) {
    const Tensor density = kernels::affine(unary(UnaryOp::Exp, kernels::affine(unary(UnaryOp::Square, a), -1.0, 0.0)),
                                           2.0 * std::numbers::inv_sqrtpi, 0.0);
    return Grads{binary(BinaryOp::Mul, g, density)};
  });
}

}  // namespace descent
