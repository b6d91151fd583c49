#pragma once
// CosineAnnealingLR, as torch.optim.lr_scheduler.CosineAnnealingLR (1.13), the annealing half of SGDR
// (Loshchilov & Hutter 2017, eq. 5) without its restarts:
//   lr_e = eta_min + (base_lr - eta_min) (1 + cos(pi e / T_max)) / 2
// computed, as PyTorch does, in its recursive form
//   lr_e = (1 + cos(pi e / T_max)) / (1 + cos(pi (e - 1) / T_max)) (lr_{e-1} - eta_min) + eta_min
// with lr_{e-1} + (base_lr - eta_min)(1 - cos(pi / T_max)) / 2 where the ratio's denominator is 0
// (e - 1 - T_max a multiple of 2 T_max). Past T_max the lr climbs back: a cosine of period 2 T_max.
#include <cstdint>
#include <span>
#include <string_view>

#include "descent/optim/lr_scheduler/lr_scheduler.hpp"

namespace descent::optim {

struct CosineAnnealingLROptions {
  std::int64_t T_max = 0;  // required: epochs from base_lr down to eta_min
  double eta_min = 0;

  static constexpr std::string_view kName = "CosineAnnealingLR";
  void check() const;
  static std::span<const OptionField<CosineAnnealingLROptions>> fields();
};

class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, CosineAnnealingLROptions options);
  std::string_view name() const override { return CosineAnnealingLROptions::kName; }
  const CosineAnnealingLROptions& options() const { return options_; }

 protected:
  std::vector<double> get_lr() override;

 private:
  CosineAnnealingLROptions options_;
};

}  // namespace descent::optim
