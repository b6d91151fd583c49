#include "descent/train/progress.hpp"

#include <cstdio>
#include <string>

namespace descent::train {

ProgressBar::ProgressBar(std::ostream& out, bool enabled, std::int64_t total, std::int64_t epoch)
    : out_(out), enabled_(enabled && total > 0), total_(total), epoch_(epoch) {}

void ProgressBar::update(std::int64_t done, double running_loss) {
  if (!enabled_ || done < next_draw_) return;
  next_draw_ = done + std::max<std::int64_t>(total_ / 100, 1);
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * done / total_);
  char line[160];
  std::snprintf(line, sizeof line, "\rEpoch %lld [%s%s] %lld/%lld batches, loss %.4f", static_cast<long long>(epoch_),
                std::string(filled, '=').c_str(), std::string(kWidth - filled, ' ').c_str(),
                static_cast<long long>(done), static_cast<long long>(total_), running_loss);
  out_ << line << std::flush;
}

void ProgressBar::finish() {
  if (enabled_) out_ << "\r\033[K" << std::flush;
}

}  // namespace descent::train
