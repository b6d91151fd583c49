#include "target_checks.hpp"

#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/loss.hpp"
#include "descent/util/number_text.hpp"

namespace descent::nn::checks {
namespace {

using util::format_number;

// "target[1, 2]" for the element at row-major `flat` index of a tensor of `shape`.
std::string element(const char* name, const Shape& shape, std::int64_t flat) {
  Dims index;
  for (int d = shape.size() - 1; d >= 0; --d) {
    index.insert(0, shape[d] == 0 ? 0 : flat % shape[d]);
    flat = shape[d] == 0 ? 0 : flat / shape[d];
  }
  std::string s = to_string(index);  // "[1, 2]"
  return std::string(name) + (shape.size() == 0 ? "" : s);
}

}  // namespace

void same_shape(const char* loss, const Tensor& a, const char* a_name, const Tensor& b, const char* b_name) {
  if (!(a.shape() == b.shape()))
    throw ShapeError(std::string(loss) + ": " + a_name + " of shape " + to_string(a.shape()) + " and " + b_name +
                     " of shape " + to_string(b.shape()) + " differ; they must have the same shape");
}

void has_shape(const char* loss, const Tensor& t, const char* name, const Shape& shape, const char* why) {
  if (!(t.shape() == shape))
    throw ShapeError(std::string(loss) + ": " + name + " of shape " + to_string(t.shape()) + ": expected shape " +
                     to_string(shape) + " " + why);
}

void broadcasts_to(const char* loss, const Tensor& weight, const char* name, const Shape& shape) {
  bool fits = weight.dim() <= shape.size();
  for (int i = 1; fits && i <= weight.dim(); ++i) {
    const std::int64_t w = weight.shape()[weight.dim() - i], s = shape[shape.size() - i];
    fits = w == s || w == 1;
  }
  if (!fits)
    throw ShapeError(std::string(loss) + ": " + name + " of shape " + to_string(weight.shape()) +
                     " does not broadcast to the input's shape " + to_string(shape));
}

void same_dtype(const char* loss, const Tensor& a, const char* a_name, const Tensor& b, const char* b_name) {
  if (a.dtype() != b.dtype())
    throw ValueError(std::string(loss) + ": " + b_name + " is " + std::string(to_string(b.dtype())) + " but " + a_name +
                     " is " + std::string(to_string(a.dtype())) + "; convert one with to()");
}

void is_floating(const char* loss, const Tensor& t, const char* name) {
  if (!descent::is_floating(t.dtype()))
    throw ValueError(std::string(loss) + ": " + name + " must be float32 or float64, got " +
                     std::string(to_string(t.dtype())));
}

void values_in(const char* loss, const Tensor& t, const char* name, double low, double high) {
  const std::int64_t at = kernels::find_outside(t, low, high);
  if (at >= 0)
    throw ValueError(std::string(loss) + ": " + element(name, t.shape(), at) + " = " + format_number(t.at(at)) +
                     ": expected a value in [" + format_number(low) + ", " + format_number(high) + "]");
}

void labels_in(const char* loss, const Tensor& t, const char* name, double v0, double v1) {
  const std::int64_t at = kernels::find_other_than(t, v0, v1);
  if (at >= 0)
    throw ValueError(std::string(loss) + ": " + element(name, t.shape(), at) + " = " + format_number(t.at(at)) +
                     ": expected " + format_number(v0) + " or " + format_number(v1));
}

void option(const char* loss, bool holds, const char* name, double value, const char* expected) {
  if (!holds)
    throw ValueError(std::string(loss) + ": " + name + " = " + format_number(value) + ": expected " + expected);
}

Tensor as_labels(const Tensor& labels, Dtype dtype) { return kernels::cast(labels.detach(), dtype); }

}  // namespace descent::nn::checks
