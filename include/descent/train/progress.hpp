#pragma once
// A one-line progress bar for terminals, redrawn about a hundred times an epoch. When the output is
// not a terminal it prints nothing, so logs hold only the per-epoch lines.
#include <cstdint>
#include <ostream>

namespace descent::train {

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, std::int64_t total, std::int64_t epoch);
  void update(std::int64_t done, double running_loss);
  void finish();  // clears the bar's line

 private:
  std::ostream& out_;
  bool enabled_;
  std::int64_t total_, epoch_, next_draw_ = 0;
};

}  // namespace descent::train
