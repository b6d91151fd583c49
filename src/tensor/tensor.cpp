#include "descent/tensor/tensor.hpp"

#include <algorithm>

#include "descent/tensor/pool_allocator.hpp"
#include "descent/util/memory_limit.hpp"

namespace descent {
namespace {

constexpr std::uint64_t kUncheckedBytes = std::uint64_t{1} << 20;

void check_dimensions(const Shape& shape) {
  for (auto v : shape)
    if (v < 0) throw ShapeError("negative dimension in shape " + to_string(shape));
}

// A contiguous tensor of `shape` over all of `storage`.
Tensor contiguous_over(std::shared_ptr<Storage> storage, const Shape& shape, Dtype dtype) {
  auto impl = make_pooled<TensorImpl>();
  impl->storage = std::move(storage);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

}  // namespace

Tensor Tensor::empty(const Shape& shape, Dtype dtype) {
  check_dimensions(shape);
  // Every reader checks the sizes its file claims against the memory limit with its own message; this
  // is the backstop for those it misses. Small tensors skip it: reading the environment costs time.
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(static_cast<std::uint64_t>(descent::numel(shape)), itemsize(dtype), &bytes))
    throw ShapeError("shape " + to_string(shape) + ": too many bytes for 64 bits");
  if (bytes > kUncheckedBytes)
    util::check_memory("a tensor of shape " + to_string(shape) + " (" + std::string(to_string(dtype)) + ")", bytes);
  return contiguous_over(make_pooled<Storage>(static_cast<std::size_t>(bytes)), shape, dtype);
}

Tensor Tensor::borrowing(void* data, const Shape& shape, Dtype dtype) {
  check_dimensions(shape);
  const auto bytes = static_cast<std::size_t>(descent::numel(shape)) * itemsize(dtype);
  return contiguous_over(make_pooled<Storage>(Storage::Borrowed{}, data, bytes), shape, dtype);
}

std::int64_t Tensor::size(std::int64_t d) const { return impl_->shape[normalize_dim(d, dim())]; }

bool Tensor::is_contiguous() const {
  std::int64_t expected = 1;
  for (int i = dim() - 1; i >= 0; --i) {
    if (shape()[i] != 1 && strides()[i] != expected) return false;
    expected *= shape()[i];
  }
  return true;
}

template <class T>
T* Tensor::data() const {
  if (dtype_of<T>() != dtype())
    throw ValueError("tensor holds " + std::string(to_string(dtype())) + ", not " +
                     std::string(to_string(dtype_of<T>())));
  return static_cast<T*>(impl_->storage->data()) + impl_->offset;
}
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;
template std::int64_t* Tensor::data<std::int64_t>() const;
template std::uint8_t* Tensor::data<std::uint8_t>() const;

void* Tensor::raw_data() const {
  return static_cast<char*>(impl_->storage->data()) + impl_->offset * itemsize(dtype());
}

double Tensor::at(std::int64_t flat) const {
  if (flat < 0 || flat >= numel())
    throw ValueError("index " + std::to_string(flat) + " out of range for " + std::to_string(numel()) + " elements");
  std::int64_t pos = 0;
  for (int i = dim() - 1; i >= 0; --i) {
    pos += (flat % shape()[i]) * strides()[i];
    flat /= shape()[i];
  }
  const char* base = static_cast<const char*>(raw_data());
  switch (dtype()) {
    case Dtype::Float32: return reinterpret_cast<const float*>(base)[pos];
    case Dtype::Float64: return reinterpret_cast<const double*>(base)[pos];
    case Dtype::Int64: return static_cast<double>(reinterpret_cast<const std::int64_t*>(base)[pos]);
    case Dtype::UInt8: return reinterpret_cast<const std::uint8_t*>(base)[pos];
  }
  return 0;
}

double Tensor::item() const {
  if (numel() != 1) throw ValueError("item() needs a tensor with one element, got shape " + to_string(shape()));
  return at(0);
}

std::vector<double> Tensor::to_vector() const {
  std::vector<double> out(static_cast<std::size_t>(numel()));
  if (!is_contiguous()) {
    for (std::int64_t i = 0; i < numel(); ++i) out[i] = at(i);
    return out;
  }
  // A contiguous tensor is read straight through: at() would work out every element's offset.
  const auto copy = [&out](const auto* data) { std::copy(data, data + out.size(), out.begin()); };
  const void* base = raw_data();
  switch (dtype()) {
    case Dtype::Float32: copy(static_cast<const float*>(base)); break;
    case Dtype::Float64: copy(static_cast<const double*>(base)); break;
    case Dtype::Int64: copy(static_cast<const std::int64_t*>(base)); break;
    case Dtype::UInt8: copy(static_cast<const std::uint8_t*>(base)); break;
  }
  return out;
}

Tensor Tensor::view_as_shape(const Shape& shape) const {
  if (descent::numel(shape) != numel())
    throw ShapeError("cannot view a tensor of shape " + to_string(this->shape()) + " (" + std::to_string(numel()) +
                     " elements) as shape " + to_string(shape));
  if (!is_contiguous()) throw ShapeError("view of a non-contiguous tensor; call contiguous() first");
  auto impl = make_pooled<TensorImpl>(*impl_);
  impl->autograd = nullptr;
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  return Tensor(std::move(impl));
}

Tensor Tensor::view_transposed(int d0, int d1) const {
  d0 = normalize_dim(d0, dim());
  d1 = normalize_dim(d1, dim());
  auto impl = make_pooled<TensorImpl>(*impl_);
  impl->autograd = nullptr;
  std::swap(impl->shape[d0], impl->shape[d1]);
  std::swap(impl->strides[d0], impl->strides[d1]);
  return Tensor(std::move(impl));
}

Tensor Tensor::view_narrowed(std::int64_t start, std::int64_t length) const {
  if (dim() == 0) throw ShapeError("cannot slice a 0-dimensional tensor");
  if (start < 0 || length < 0 || start + length > shape()[0])
    throw ShapeError("slice [" + std::to_string(start) + ", " + std::to_string(start + length) +
                     ") out of range for dimension 0 of size " + std::to_string(shape()[0]));
  auto impl = make_pooled<TensorImpl>(*impl_);
  impl->autograd = nullptr;
  impl->shape[0] = length;
  impl->offset += start * strides()[0];
  return Tensor(std::move(impl));
}

}  // namespace descent
