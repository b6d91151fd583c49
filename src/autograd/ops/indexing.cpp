#include "descent/autograd/ops/indexing.hpp"

#include <string>

#include "descent/autograd/node.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/indexing.hpp"

namespace descent {

Tensor gather(const Tensor& a, std::int64_t dim, const Tensor& index) {
  Tensor out = kernels::gather(a, dim, index);
  if (!any_requires_grad({&a})) return out;
  // each picked element receives its output's gradient; the rest receive 0 (scatter-add)
  return record(out, "gather", {&a}, [shape = a.shape(), dim, index](const Tensor& g) {
    return Grads{kernels::scatter_add(shape, dim, index, g)};
  });
}

Tensor embedding(const Tensor& indices_in, const Tensor& weight, std::optional<std::int64_t> padding_idx) {
  if (indices_in.dtype() != Dtype::Int64)
    throw ValueError("embedding: indices must be int64, got " + std::string(to_string(indices_in.dtype())));
  if (weight.dim() != 2)
    throw ShapeError("embedding: expected a weight of shape (num_embeddings, embedding_dim), got " +
                     to_string(weight.shape()));
  const std::int64_t rows = weight.shape()[0], width = weight.shape()[1];
  if (padding_idx) {
    if (*padding_idx < -rows || *padding_idx >= rows)
      throw ValueError("embedding: padding_idx " + std::to_string(*padding_idx) + " is not within num_embeddings " +
                       std::to_string(rows));
    if (*padding_idx < 0) *padding_idx += rows;
  }
  const Tensor indices = kernels::contiguous(indices_in);
  Shape out_shape = indices.shape();
  out_shape.push_back(width);
  Tensor out =
      kernels::index_select_rows(weight, indices.data<std::int64_t>(), indices.numel()).view_as_shape(out_shape);
  if (!any_requires_grad({&weight})) return out;
  // d out[i] / d weight[indices[i]] = 1: gradients scatter-add into the rows they came from
  return record(out, "embedding", {&weight}, [indices, shape = weight.shape(), padding_idx](const Tensor& g) {
    Tensor dw = kernels::index_add_rows(shape, indices.data<std::int64_t>(), indices.numel(), g);
    if (padding_idx) fill_(dw.view_narrowed(*padding_idx, 1), 0.0);
    return Grads{dw};
  });
}

}  // namespace descent
