#pragma once
// Tensor: a shared handle to an n-dimensional strided view of a Storage. Copies of a Tensor share
// data, as in PyTorch. The tensor layer knows nothing of gradients: the autograd members declared
// at the bottom are defined in src/autograd/, and a tensor without them pays one null pointer.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "descent/tensor/dtype.hpp"
#include "descent/tensor/shape.hpp"
#include "descent/tensor/storage.hpp"

namespace descent {

struct AutogradMeta;  // autograd/autograd_meta.hpp

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  std::int64_t offset = 0;  // in elements
  Shape shape;
  Strides strides;
  Dtype dtype = Dtype::Float32;
  std::shared_ptr<AutogradMeta> autograd;  // null for plain tensors
};

class Tensor {
 public:
  Tensor() = default;  // an undefined tensor
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
  // A new contiguous, uninitialized tensor.
  static Tensor empty(const Shape& shape, Dtype dtype = Dtype::Float32);
  // A contiguous tensor over `data`, memory it does not own: the caller keeps it valid for as long as
  // the tensor and its views live (data-parallel exchange memory).
  static Tensor borrowing(void* data, const Shape& shape, Dtype dtype);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl_->shape; }
  const Strides& strides() const { return impl_->strides; }
  int dim() const { return impl_->shape.size(); }
  std::int64_t size(std::int64_t d) const;
  std::int64_t numel() const { return descent::numel(impl_->shape); }
  Dtype dtype() const { return impl_->dtype; }
  std::int64_t offset() const { return impl_->offset; }
  bool is_contiguous() const;

  // Typed pointer to the first element; throws ValueError when T does not match dtype().
  template <class T>
  T* data() const;
  void* raw_data() const;

  // Element access by flat index in row-major order of this view (slow; for tests and printing).
  double item() const;  // a one-element tensor's value
  double at(std::int64_t flat_index) const;
  std::vector<double> to_vector() const;  // all elements, row-major, as double

  // Views share storage (no gradient recorded: see the ops in autograd/ for differentiable ones).
  Tensor view_as_shape(const Shape& shape) const;  // requires contiguous
  Tensor view_transposed(int d0, int d1) const;
  Tensor view_narrowed(std::int64_t start, std::int64_t length) const;  // along dim 0

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool same(const Tensor& other) const { return impl_ == other.impl_; }

  // ---- autograd (defined in src/autograd/tensor_autograd.cpp) ----
  bool requires_grad() const;
  Tensor& requires_grad_(bool value = true);
  // The accumulated gradient of a leaf; undefined until a backward reaches it.
  Tensor grad() const;
  void set_grad(const Tensor& g) const;
  // Reverse-mode differentiation from this tensor. A non-scalar needs `gradient`, shaped like it.
  void backward(const Tensor& gradient = Tensor(), bool retain_graph = false) const;
  // A tensor sharing this one's data, cut from the graph.
  Tensor detach() const;
  bool is_leaf() const;

  // ---- differentiable conveniences (defined with the ops in src/autograd/ops/) ----
  Tensor reshape(const Shape& shape) const;
  Tensor transpose(std::int64_t d0, std::int64_t d1) const;
  Tensor t() const { return transpose(0, 1); }
  Tensor slice(std::int64_t start, std::int64_t end) const;  // rows [start, end) along dim 0
  Tensor sum() const;
  Tensor sum(std::int64_t dim, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(std::int64_t dim, bool keepdim = false) const;
  Tensor contiguous() const;
  Tensor to(Dtype dtype) const;
  Tensor clone() const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

}  // namespace descent
