#pragma once
// [diagnostics] divergence: a training whose loss runs away is stopped (or warned about) at the update
// where it does, instead of ending with exit status 0 at a loss of 9.8e13. Two rules on each update's
// loss, the loss's lower bound b (nn::LossType::lower_bound: 0 for cross_entropy, nll, mse, ...) and
// m, the mean loss of the run's first updates:
//   - below the bound: loss < b - 1e-5 max(1, |m|) (the margin absorbs rounding). The output is not
//     what the loss expects: nll on raw logits instead of log-probabilities falls to -5e6.
//   - a rise: loss - b > 10 (m - b), the excess over the bound ten times that of the start (with no
//     bound, loss > 10 m for m > 0). Not applied while m - b <= 0: a run starting at its least loss
//     has nothing to rise from.
// m is the mean of the first kFirstUpdates updates' losses; while fewer were made, of those made
// before the one checked (so a run exploding in its first updates is caught). A checkpoint keeps m,
// so a resumed run goes on with the same reference. A loss that is not finite is the epoch loop's
// own stop (train/epoch_loop.hpp).
#include <cstdint>
#include <string>

namespace descent::train {

class DivergenceGuard {
 public:
  static constexpr double kRiseFactor = 10;
  static constexpr std::int64_t kFirstUpdates = 10;

  // `loss`: its name, for messages; `first_losses_mean` over `first_losses` updates: a resumed run's.
  DivergenceGuard(std::string loss, double lower_bound, double first_losses_mean = 0, std::int64_t first_losses = 0);

  // Why `value`, the loss of update `step`, shows the run diverging ("the loss nll = -5.3e+06 is below
  // 0, ..."), or empty. Counts the value into the first updates' mean while it covers fewer than
  // kFirstUpdates. Non-finite values are left to the caller: empty.
  std::string check(std::int64_t step, double value);

  double first_losses_mean() const { return mean_; }
  std::int64_t first_losses() const { return count_; }

 private:
  std::string loss_;
  double lower_bound_;
  double mean_;
  std::int64_t count_;
};

}  // namespace descent::train
