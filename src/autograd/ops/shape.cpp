#include "descent/autograd/ops/shape.hpp"

#include <algorithm>

#include "descent/autograd/node.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent {
namespace {

Shape infer_shape(const Shape& shape, std::int64_t numel, const Shape& from) {
  Shape out = shape;
  int infer = -1;
  std::int64_t known = 1;
  for (int i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer >= 0) throw ShapeError("reshape: only one dimension can be -1, got " + to_string(shape));
      infer = i;
    } else if (out[i] < 0) {
      throw ShapeError("reshape: invalid dimension " + std::to_string(out[i]) + " in " + to_string(shape));
    } else {
      known *= out[i];
    }
  }
  if (infer >= 0 && known > 0 && numel % known == 0) out[infer] = numel / known;
  if (numel != descent::numel(out))
    throw ShapeError("reshape: shape " + to_string(shape) + " is invalid for a tensor of shape " + to_string(from) +
                     " (" + std::to_string(numel) + " elements)");
  return out;
}

}  // namespace

Tensor reshape(const Tensor& a, const Shape& shape_in) {
  const Shape shape = infer_shape(shape_in, a.numel(), a.shape());
  Tensor out = kernels::contiguous(a).view_as_shape(shape);
  // the gradient of a reshape is the gradient reshaped back
  return record(out, "reshape", {&a},
                [from = a.shape()](const Tensor& g) { return Grads{kernels::contiguous(g).view_as_shape(from)}; });
}

Tensor transpose(const Tensor& a, std::int64_t d0, std::int64_t d1) {
  const int i = normalize_dim(d0, a.dim()), j = normalize_dim(d1, a.dim());
  // the gradient of a transpose is the gradient transposed back
  return record(a.view_transposed(i, j), "transpose", {&a},
                [i, j](const Tensor& g) { return Grads{g.view_transposed(i, j)}; });
}

Tensor slice(const Tensor& a, std::int64_t start, std::int64_t end) {
  if (a.dim() == 0) throw ShapeError("slice: cannot slice a 0-dimensional tensor");
  const std::int64_t n = a.shape()[0];
  if (start < 0) start += n;
  if (end < 0) end += n;
  start = std::clamp<std::int64_t>(start, 0, n);
  end = std::clamp<std::int64_t>(end, start, n);
  // the gradient of a slice is zero outside the rows taken
  return record(a.view_narrowed(start, end - start), "slice", {&a}, [from = a.shape(), start](const Tensor& g) {
    Tensor full_grad = zeros(from, g.dtype());
    kernels::copy_(full_grad.view_narrowed(start, g.shape()[0]), g);
    return Grads{full_grad};
  });
}

Tensor flatten(const Tensor& a, std::int64_t start_dim, std::int64_t end_dim) {
  if (a.dim() == 0) return reshape(a, Shape{1});
  const int s = normalize_dim(start_dim, a.dim()), e = normalize_dim(end_dim, a.dim());
  if (s > e)
    throw ValueError("flatten: start_dim " + std::to_string(start_dim) + " comes after end_dim " +
                     std::to_string(end_dim) + " for a tensor of shape " + to_string(a.shape()));
  Shape shape;
  std::int64_t merged = 1;
  for (int i = 0; i < a.dim(); ++i) {
    if (i < s || i > e) shape.push_back(a.shape()[i]);
    else merged *= a.shape()[i];
    if (i == e) shape.push_back(merged);
  }
  return reshape(a, shape);
}

Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim) {
  if (tensors.empty()) throw ValueError("cat: expected at least one tensor");
  const Tensor& first = tensors.front();
  if (first.dim() == 0) throw ShapeError("cat: cannot join 0-dimensional tensors");
  const int d = normalize_dim(dim, first.dim());
  Shape shape = first.shape();
  shape[d] = 0;
  for (const Tensor& t : tensors) {
    bool fits = t.dim() == first.dim() && t.dtype() == first.dtype();
    for (int i = 0; fits && i < t.dim(); ++i) fits = i == d || t.shape()[i] == first.shape()[i];
    if (!fits)
      throw ShapeError("cat: tensors of shape " + to_string(first.shape()) + " (" +
                       std::string(to_string(first.dtype())) + ") and " + to_string(t.shape()) + " (" +
                       std::string(to_string(t.dtype())) + ") cannot be joined along dimension " + std::to_string(d) +
                       ": every other dimension and the dtype must agree");
    shape[d] += t.shape()[d];
  }
  // Each input is an (outer, size * inner) matrix of its rows' blocks; the output's transposed
  // (total * inner, outer) matrix takes each input's transpose as a range of contiguous rows.
  std::int64_t outer = 1, inner = 1;
  for (int i = 0; i < d; ++i) outer *= shape[i];
  for (int i = d + 1; i < shape.size(); ++i) inner *= shape[i];
  const std::int64_t width = shape[d] * inner;
  Tensor joined = Tensor::empty(Shape{width, outer}, first.dtype());
  std::vector<std::int64_t> sizes;
  std::int64_t start = 0;
  for (const Tensor& t : tensors) {
    const std::int64_t cols = t.shape()[d] * inner;
    kernels::copy_(joined.view_narrowed(start, cols),
                   kernels::contiguous(t).view_as_shape(Shape{outer, cols}).view_transposed(0, 1));
    sizes.push_back(cols);
    start += cols;
  }
  Tensor out = kernels::contiguous(joined.view_transposed(0, 1)).view_as_shape(shape);
  std::vector<const Tensor*> inputs;
  for (const Tensor& t : tensors) inputs.push_back(&t);
  if (!any_requires_grad(inputs)) return out;
  std::vector<Shape> from;
  for (const Tensor& t : tensors) from.push_back(t.shape());
  // the gradient of a concatenation is the output's gradient cut back into the inputs' slices
  auto backward = [from, sizes, outer, width](const Tensor& g) {
    const Tensor rows = kernels::contiguous(g).view_as_shape(Shape{outer, width}).view_transposed(0, 1);
    std::vector<Tensor> grads;
    std::int64_t at = 0;
    for (std::size_t i = 0; i < from.size(); ++i) {
      grads.push_back(
          kernels::contiguous(rows.view_narrowed(at, sizes[i]).view_transposed(0, 1)).view_as_shape(from[i]));
      at += sizes[i];
    }
    return Grads(std::move(grads));
  };
  return attach(out, "cat", inputs, make_pooled<ClosureNode<decltype(backward)>>(std::move(backward)));
}

Tensor Tensor::reshape(const Shape& shape) const { return descent::reshape(*this, shape); }
Tensor Tensor::transpose(std::int64_t d0, std::int64_t d1) const { return descent::transpose(*this, d0, d1); }
Tensor Tensor::slice(std::int64_t start, std::int64_t end) const { return descent::slice(*this, start, end); }

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  Tensor self = *this;
  return record(kernels::contiguous(*this), "contiguous", {&self}, [](const Tensor& g) { return Grads{g}; });
}

Tensor Tensor::clone() const {
  Tensor self = *this;
  Tensor out = Tensor::empty(shape(), dtype());
  kernels::copy_(out, *this);
  return record(out, "clone", {&self}, [](const Tensor& g) { return Grads{g}; });
}

Tensor Tensor::to(Dtype d) const {
  if (d == dtype()) return *this;
  Tensor self = *this;
  const Dtype from = dtype();
  // the gradient converts back to the input's dtype
  return record(kernels::cast(*this, d), "to", {&self},
                [from](const Tensor& g) { return Grads{kernels::cast(g, from)}; });
}

}  // namespace descent
