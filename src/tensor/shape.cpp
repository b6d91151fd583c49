#include "descent/tensor/shape.hpp"

#include "descent/error.hpp"

namespace descent {

Dims::Dims(std::initializer_list<std::int64_t> values) {
  for (auto v : values) push_back(v);
}

void Dims::push_back(std::int64_t v) {
  if (n_ == kMaxDims) throw ValueError("tensors have at most " + std::to_string(kMaxDims) + " dimensions");
  d_[n_++] = v;
}

void Dims::insert(int pos, std::int64_t v) {
  push_back(0);
  for (int i = n_ - 1; i > pos; --i) d_[i] = d_[i - 1];
  d_[pos] = v;
}

void Dims::erase(int pos) {
  for (int i = pos; i + 1 < n_; ++i) d_[i] = d_[i + 1];
  --n_;
}

std::int64_t numel(const Shape& s) {
  std::int64_t n = 1;
  for (auto v : s)
    if (__builtin_mul_overflow(n, v, &n)) throw ShapeError("shape " + to_string(s) + ": too many elements for 64 bits");
  return n;
}

Strides contiguous_strides(const Shape& s) {
  Strides st;
  for (int i = 0; i < s.size(); ++i) st.push_back(0);
  std::int64_t stride = 1;
  for (int i = s.size() - 1; i >= 0; --i) {
    st[i] = stride;
    // Checked: a shape such as [0, 2^32, 2^32] holds no element, but its first stride overflows.
    if (i > 0 && __builtin_mul_overflow(stride, s[i], &stride))
      throw ShapeError("shape " + to_string(s) + ": strides too large for 64 bits");
  }
  return st;
}

std::string to_string(const Dims& d) {
  std::string out = "[";
  for (int i = 0; i < d.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(d[i]);
  }
  return out + "]";
}

int normalize_dim(std::int64_t dim, int rank) {
  const std::int64_t lo = rank == 0 ? -1 : -rank, hi = rank == 0 ? 0 : rank - 1;
  if (dim < lo || dim > hi)
    throw ValueError("dimension " + std::to_string(dim) + " out of range for a tensor of rank " + std::to_string(rank) +
                     " (expected " + std::to_string(lo) + " to " + std::to_string(hi) + ")");
  return static_cast<int>(dim < 0 ? dim + std::max(rank, 1) : dim);
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  const int n = std::max(a.size(), b.size());
  Shape out;
  for (int i = 0; i < n; ++i) {
    const int ia = i - (n - a.size()), ib = i - (n - b.size());
    const std::int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1)
      throw ShapeError("shapes " + to_string(a) + " and " + to_string(b) + " do not broadcast (dimension " +
                       std::to_string(i) + ": " + std::to_string(da) + " vs " + std::to_string(db) + ")");
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

}  // namespace descent
