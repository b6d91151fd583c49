#include "descent/tensor/creation.hpp"

#include <algorithm>

namespace descent {
namespace {

void require_contiguous(const Tensor& t, const char* what) {
  if (!t.is_contiguous()) throw ValueError(std::string(what) + " needs a contiguous tensor");
}

template <class F>
void generate(const Tensor& t, F&& next) {
  require_contiguous(t, "filling a tensor");
  const std::int64_t n = t.numel();
  switch (t.dtype()) {
    case Dtype::Float32: {
      auto* p = t.data<float>();
      for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(next());
      break;
    }
    case Dtype::Float64: {
      auto* p = t.data<double>();
      for (std::int64_t i = 0; i < n; ++i) p[i] = next();
      break;
    }
    case Dtype::Int64: {
      auto* p = t.data<std::int64_t>();
      for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<std::int64_t>(next());
      break;
    }
    case Dtype::UInt8: {
      auto* p = t.data<std::uint8_t>();
      for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(next());
      break;
    }
  }
}

Generator& pick(Generator* gen) { return gen ? *gen : default_generator(); }

}  // namespace

void fill_(const Tensor& t, double value) {
  generate(t, [&] { return value; });
}

void uniform_(const Tensor& t, double low, double high, Generator* gen) {
  Generator& g = pick(gen);
  generate(t, [&] { return low + (high - low) * g.uniform(); });
}

void normal_(const Tensor& t, double mean, double std, Generator* gen) {
  Generator& g = pick(gen);
  generate(t, [&] { return mean + std * g.normal(); });
}

void bernoulli_(const Tensor& t, double p, Generator* gen) {
  if (!(p >= 0.0 && p <= 1.0)) throw ValueError("bernoulli: probability " + std::to_string(p) + " is not in [0, 1]");
  Generator& g = pick(gen);
  generate(t, [&] { return g.uniform() < p ? 1.0 : 0.0; });
}

Tensor full(const Shape& shape, double value, Dtype dtype) {
  Tensor t = Tensor::empty(shape, dtype);
  fill_(t, value);
  return t;
}
Tensor zeros(const Shape& shape, Dtype dtype) { return full(shape, 0.0, dtype); }
Tensor ones(const Shape& shape, Dtype dtype) { return full(shape, 1.0, dtype); }
Tensor zeros_like(const Tensor& t) { return zeros(t.shape(), t.dtype()); }
Tensor ones_like(const Tensor& t) { return ones(t.shape(), t.dtype()); }
Tensor empty_like(const Tensor& t) { return Tensor::empty(t.shape(), t.dtype()); }
Tensor reuse_or_empty(const Tensor& out, const Shape& shape, Dtype dtype) {
  if (out.defined() && out.dtype() == dtype && out.shape() == shape && out.is_contiguous()) return out;
  return Tensor::empty(shape, dtype);
}
Tensor scalar_tensor(double value, Dtype dtype) { return full(Shape{}, value, dtype); }

Tensor from_vector(const std::vector<double>& values, const Shape& shape, Dtype dtype) {
  if (static_cast<std::int64_t>(values.size()) != numel(shape))
    throw ShapeError(std::to_string(values.size()) + " values cannot fill shape " + to_string(shape) + " (" +
                     std::to_string(numel(shape)) + " elements)");
  Tensor t = Tensor::empty(shape, dtype);
  std::size_t i = 0;
  generate(t, [&] { return values[i++]; });
  return t;
}

Tensor from_vector(const std::vector<float>& values, const Shape& shape) {
  return from_vector(std::vector<double>(values.begin(), values.end()), shape, Dtype::Float32);
}

Tensor from_vector(const std::vector<std::int64_t>& values, const Shape& shape) {
  if (static_cast<std::int64_t>(values.size()) != numel(shape))
    throw ShapeError(std::to_string(values.size()) + " values cannot fill shape " + to_string(shape));
  Tensor t = Tensor::empty(shape, Dtype::Int64);
  std::copy(values.begin(), values.end(), t.data<std::int64_t>());
  return t;
}

Tensor tensor(std::initializer_list<double> values, Dtype dtype) {
  return from_vector(std::vector<double>(values), Shape{static_cast<std::int64_t>(values.size())}, dtype);
}

Tensor arange(std::int64_t n, Dtype dtype) {
  Tensor t = Tensor::empty(Shape{n}, dtype);
  double i = 0;
  generate(t, [&] { return i++; });
  return t;
}

Tensor uniform(const Shape& shape, double low, double high, Dtype dtype, Generator* gen) {
  Tensor t = Tensor::empty(shape, dtype);
  uniform_(t, low, high, gen);
  return t;
}
Tensor normal(const Shape& shape, double mean, double std, Dtype dtype, Generator* gen) {
  Tensor t = Tensor::empty(shape, dtype);
  normal_(t, mean, std, gen);
  return t;
}
Tensor bernoulli(const Shape& shape, double p, Dtype dtype, Generator* gen) {
  Tensor t = Tensor::empty(shape, dtype);
  bernoulli_(t, p, gen);
  return t;
}

Tensor rand(const Shape& shape, Dtype dtype, Generator* gen) { return uniform(shape, 0.0, 1.0, dtype, gen); }
Tensor randn(const Shape& shape, Dtype dtype, Generator* gen) { return normal(shape, 0.0, 1.0, dtype, gen); }

}  // namespace descent
