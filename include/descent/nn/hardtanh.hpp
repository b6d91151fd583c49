#pragma once
// Hardtanh, as torch.nn.Hardtanh: x clamped to [min_val, max_val] (defaults -1 and 1; max_val must
// exceed min_val). Its forward is clamp(), whose gradient is 1 on [min_val, max_val] with the bounds
// included, where PyTorch's hardtanh_backward gives 0 at the bounds themselves: the two differ only
// for inputs exactly at a bound. Config: [[model.layer]] type = "hardtanh", min_val, max_val.
#include "descent/nn/module.hpp"

namespace descent::nn {

class Hardtanh : public Module {
 public:
  explicit Hardtanh(double min_val = -1.0, double max_val = 1.0);
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;  // "Hardtanh(min_val=-1.0, max_val=1.0)"
  double min_val() const { return min_val_; }
  double max_val() const { return max_val_; }

 private:
  double min_val_, max_val_;
};

}  // namespace descent::nn
