#pragma once
// What the losses check before computing: shapes that agree, targets a loss can take, options in
// range. Every failure throws ValueError (ShapeError for shapes) with a message that starts with the
// loss's name and names the offending value: "CosineEmbeddingLoss: target[2] = 0: expected 1 or -1".
#include <string>

#include "descent/tensor/tensor.hpp"

namespace descent::nn::checks {

// ShapeError unless a and b have the same shape: "L1Loss: input of shape [2, 3] and target of shape [3] differ".
void same_shape(const char* loss, const Tensor& a, const char* a_name, const Tensor& b, const char* b_name);
// ShapeError unless `t` has exactly `shape`.
void has_shape(const char* loss, const Tensor& t, const char* name, const Shape& shape, const char* why);
// ShapeError unless `weight` broadcasts to `shape` (the loss's input) without growing it.
void broadcasts_to(const char* loss, const Tensor& weight, const char* name, const Shape& shape);
// ValueError unless b has a's dtype.
void same_dtype(const char* loss, const Tensor& a, const char* a_name, const Tensor& b, const char* b_name);
// ValueError unless `t` is a float32 or float64 tensor.
void is_floating(const char* loss, const Tensor& t, const char* name);

// ValueError naming the first element outside [low, high] (or NaN): "BCELoss: input[0, 2] = 1.5: expected a value in
// [0, 1]".
void values_in(const char* loss, const Tensor& t, const char* name, double low, double high);
// ValueError naming the first element equal to neither v0 nor v1: "...: target[3] = 0: expected 1 or -1".
void labels_in(const char* loss, const Tensor& t, const char* name, double v0, double v1);

// ValueError unless the option holds: "HuberLoss: delta = -1: expected delta > 0".
void option(const char* loss, bool holds, const char* name, double value, const char* expected);

// Labels (±1, 0/1) as a constant of the input's dtype: labels carry no gradient.
Tensor as_labels(const Tensor& labels, Dtype dtype);

}  // namespace descent::nn::checks
