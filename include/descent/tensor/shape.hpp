#pragma once
// Shape and strides: a small inline vector, so that making a tensor never allocates for its metadata.
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace descent {

class Dims {
 public:
  static constexpr int kMaxDims = 8;

  Dims() = default;
  Dims(std::initializer_list<std::int64_t> values);
  template <class It>
  Dims(It first, It last) {
    for (; first != last; ++first) push_back(static_cast<std::int64_t>(*first));
  }

  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  std::int64_t& operator[](int i) { return d_[i]; }
  std::int64_t operator[](int i) const { return d_[i]; }
  std::int64_t back() const { return d_[n_ - 1]; }
  const std::int64_t* begin() const { return d_.data(); }
  const std::int64_t* end() const { return d_.data() + n_; }
  std::int64_t* begin() { return d_.data(); }
  std::int64_t* end() { return d_.data() + n_; }
  void push_back(std::int64_t v);
  void insert(int pos, std::int64_t v);
  void erase(int pos);

  friend bool operator==(const Dims& a, const Dims& b) {
    return a.n_ == b.n_ && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  std::array<std::int64_t, kMaxDims> d_{};
  std::uint8_t n_ = 0;
};

using Shape = Dims;
using Strides = Dims;

std::int64_t numel(const Shape& s);
Strides contiguous_strides(const Shape& s);
std::string to_string(const Dims& d);  // "[2, 3]"
// Normalizes a possibly negative dimension index against `rank`; throws ValueError when out of range.
int normalize_dim(std::int64_t dim, int rank);
// NumPy/PyTorch broadcasting of two shapes; throws ShapeError naming both when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace descent
