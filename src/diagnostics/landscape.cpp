#include "descent/diagnostics/landscape.hpp"

#include <cmath>

#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"

namespace descent::diagnostics {
namespace {

using Direction = std::vector<Tensor>;  // one tensor per parameter

double squared_norm(const Direction& d) {
  double s = 0;
  for (const Tensor& t : d) s += kernels::sum(kernels::binary(kernels::BinaryOp::Mul, t, t)).item();
  return s;
}

void scale(Direction& d, double s) {
  for (Tensor& t : d) kernels::mul_(t, s);
}

Direction direction(const std::string& kind, nn::Module& model, const LossFn& loss, const Tensor& x, const Tensor& y,
                    Generator& gen) {
  const auto params = model.parameters();
  Direction d;
  if (kind == "gradient") {
    model.zero_grad();
    {
      EnableGradGuard grad;
      loss(model(x), y).backward();
    }
    for (const Tensor& p : params) {
      Tensor g = p.grad().defined() ? kernels::affine(p.grad(), -1.0, 0.0) : zeros_like(p);
      d.push_back(g);
    }
    model.zero_grad();
  } else if (kind == "random") {
    for (const Tensor& p : params) d.push_back(randn(p.shape(), p.dtype(), &gen));
  } else {
    throw ValueError("landscape: direction \"" + kind + "\": expected gradient or random");
  }
  const double n = std::sqrt(squared_norm(d));
  if (n == 0)
    throw ValueError("landscape: the " + kind + " direction is zero (a zero gradient: already at a stationary point)");
  scale(d, 1.0 / n);
  return d;
}

}  // namespace

Landscape loss_landscape(nn::Module& model, const LossFn& loss, const Tensor& x, const Tensor& y,
                         const LandscapeOptions& o) {
  if (o.directions.empty() || o.directions.size() > 2)
    throw ValueError("landscape: " + std::to_string(o.directions.size()) +
                     " directions: expected one (a line) or two (a plane)");
  if (!(o.span > 0)) throw ValueError("landscape: span = " + std::to_string(o.span) + ": expected span > 0");
  if (o.points < 3) throw ValueError("landscape: points = " + std::to_string(o.points) + ": expected points >= 3");
  Generator gen(o.seed);
  std::vector<Direction> dirs;
  for (const auto& kind : o.directions) dirs.push_back(direction(kind, model, loss, x, y, gen));

  const auto params = model.parameters();
  std::vector<Tensor> origin;
  for (const Tensor& p : params) {
    Tensor c = Tensor::empty(p.shape(), p.dtype());
    kernels::copy_(c, p);
    origin.push_back(c);
  }
  auto axis = [&] {
    std::vector<double> v;
    for (std::int64_t i = 0; i < o.points; ++i) v.push_back(-o.span + 2 * o.span * i / (o.points - 1));
    return v;
  };
  Landscape out;
  out.a = axis();
  if (dirs.size() == 2) out.b = axis();
  NoGradGuard no_grad;
  const std::vector<double> bs = dirs.size() == 2 ? out.b : std::vector<double>{0.0};
  for (double b : bs) {
    out.loss.emplace_back();
    for (double a : out.a) {
      for (std::size_t k = 0; k < params.size(); ++k) {
        kernels::copy_(params[k], origin[k]);
        kernels::add_(params[k], dirs[0][k], a);
        if (dirs.size() == 2) kernels::add_(params[k], dirs[1][k], b);
      }
      out.loss.back().push_back(loss(model(x), y).item());
    }
  }
  for (std::size_t k = 0; k < params.size(); ++k) kernels::copy_(params[k], origin[k]);
  out.loss_at_origin = loss(model(x), y).item();
  return out;
}

}  // namespace descent::diagnostics
