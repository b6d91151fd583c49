#pragma once
// The gradients a node's backward returns, one per input. Nearly every op has one to three inputs:
// they sit inline, so a backward step allocates nothing for its list (a std::vector did, once per
// node per step). Ops with more inputs (a concatenation) spill to the heap.
#include <array>
#include <cstddef>
#include <initializer_list>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent {

class Grads {
 public:
  static constexpr std::size_t kInline = 4;

  Grads() = default;
  Grads(std::initializer_list<Tensor> grads) {
    for (const Tensor& g : grads) push_back(g);
  }
  Grads(std::vector<Tensor> grads) {  // NOLINT: a closure may build its list as a vector
    if (grads.size() > kInline) {
      heap_ = std::move(grads);
      size_ = heap_.size();
      return;
    }
    for (Tensor& g : grads) push_back(std::move(g));
  }

  void push_back(Tensor g) {
    if (size_ < kInline && heap_.empty()) {
      inline_[size_++] = std::move(g);
      return;
    }
    if (heap_.empty()) heap_.assign(std::make_move_iterator(inline_.begin()), std::make_move_iterator(inline_.end()));
    heap_.push_back(std::move(g));
    size_ = heap_.size();
  }

  std::size_t size() const { return size_; }
  Tensor& operator[](std::size_t i) { return heap_.empty() ? inline_[i] : heap_[i]; }
  const Tensor& operator[](std::size_t i) const { return heap_.empty() ? inline_[i] : heap_[i]; }
  Tensor* begin() { return &(*this)[0]; }
  Tensor* end() { return begin() + size_; }
  const Tensor* begin() const { return &(*this)[0]; }
  const Tensor* end() const { return begin() + size_; }

 private:
  std::array<Tensor, kInline> inline_;
  std::vector<Tensor> heap_;
  std::size_t size_ = 0;
};

}  // namespace descent
