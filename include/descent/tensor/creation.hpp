#pragma once
// Making tensors: constant fills, from data, and seeded random values.
#include <cstdint>
#include <vector>

#include "descent/tensor/generator.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent {

Tensor zeros(const Shape& shape, Dtype dtype = Dtype::Float32);
Tensor ones(const Shape& shape, Dtype dtype = Dtype::Float32);
Tensor full(const Shape& shape, double value, Dtype dtype = Dtype::Float32);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor empty_like(const Tensor& t);
// `out` when it is a contiguous tensor of that shape and dtype, else a new uninitialized one: the
// output of a kernel that a captured training step (train/captured_step.hpp) reuses every step.
Tensor reuse_or_empty(const Tensor& out, const Shape& shape, Dtype dtype);
Tensor scalar_tensor(double value, Dtype dtype = Dtype::Float32);

// Copies `values` (row-major) into a new tensor of `shape`; the counts must agree.
Tensor from_vector(const std::vector<double>& values, const Shape& shape, Dtype dtype = Dtype::Float32);
Tensor from_vector(const std::vector<float>& values, const Shape& shape);
Tensor from_vector(const std::vector<std::int64_t>& values, const Shape& shape);
// A 1-d tensor from values: tensor({1.0, 2.0}).
Tensor tensor(std::initializer_list<double> values, Dtype dtype = Dtype::Float32);
Tensor arange(std::int64_t n, Dtype dtype = Dtype::Float32);

// Uniform on [low, high) and normal N(mean, std^2), from `gen` (default: default_generator()).
Tensor rand(const Shape& shape, Dtype dtype = Dtype::Float32, Generator* gen = nullptr);
Tensor randn(const Shape& shape, Dtype dtype = Dtype::Float32, Generator* gen = nullptr);
Tensor uniform(const Shape& shape, double low, double high, Dtype dtype = Dtype::Float32, Generator* gen = nullptr);
Tensor normal(const Shape& shape, double mean, double std, Dtype dtype = Dtype::Float32, Generator* gen = nullptr);
// 1 with probability p, else 0 (torch.bernoulli with a constant probability): dropout's masks.
Tensor bernoulli(const Shape& shape, double p, Dtype dtype = Dtype::Float32, Generator* gen = nullptr);

// In place on an existing (contiguous) tensor, as the initializers need.
void fill_(const Tensor& t, double value);
void uniform_(const Tensor& t, double low, double high, Generator* gen = nullptr);
void normal_(const Tensor& t, double mean, double std, Generator* gen = nullptr);
void bernoulli_(const Tensor& t, double p, Generator* gen = nullptr);

}  // namespace descent
