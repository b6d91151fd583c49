#pragma once
// Flatten: merges dimensions start_dim..end_dim into one, as torch.nn.Flatten (by default every
// dimension but the batch's: (N, C, H, W) -> (N, C H W)).
#include <cstdint>

#include "descent/nn/module.hpp"

namespace descent::nn {

class Flatten : public Module {
 public:
  explicit Flatten(std::int64_t start_dim = 1, std::int64_t end_dim = -1) : start_(start_dim), end_(end_dim) {}
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;  // "Flatten(start_dim=1, end_dim=-1)"
  std::int64_t start_dim() const { return start_; }
  std::int64_t end_dim() const { return end_; }

 private:
  std::int64_t start_, end_;
};

}  // namespace descent::nn
