#include "descent/diagnostics/training_monitor.hpp"

#include <cmath>
#include <cstdio>
#include <numeric>

#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"

namespace descent {
namespace {

double norm(const Tensor& t) {
  if (!t.defined()) return 0;
  return std::sqrt(kernels::sum(kernels::binary(kernels::BinaryOp::Mul, t, t)).item());
}

}  // namespace

TrainingMonitor::TrainingMonitor(std::vector<std::pair<std::string, Tensor>> parameters, MonitorOptions options,
                                 std::ostream& out)
    : parameters_(std::move(parameters)), options_(options), out_(out) {}

void TrainingMonitor::before_update(std::int64_t step) {
  if (!reporting(step)) return;
  before_.clear();
  stats_.clear();
  for (const auto& [name, p] : parameters_) {
    Tensor copy = Tensor::empty(p.shape(), p.dtype());
    kernels::copy_(copy, p);
    before_.push_back(copy);
    stats_.push_back({name, norm(p.grad()), norm(p), 0});
  }
}

void TrainingMonitor::after_update(std::int64_t step, double loss) {
  if (reporting(step) && before_.size() == parameters_.size()) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "step %lld: loss %.6g; per parameter, gradient norm and update/weight:", static_cast<long long>(step),
                  loss);
    out_ << buf;
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
      stats_[i].update_norm = norm(kernels::binary(kernels::BinaryOp::Sub, parameters_[i].second, before_[i]));
      std::snprintf(buf, sizeof buf, " %s %.3e / %.3e", stats_[i].name.c_str(), stats_[i].grad_norm,
                    stats_[i].update_ratio());
      out_ << (i ? "," : "") << buf;
    }
    out_ << '\n';
  }
  const std::int64_t w = options_.loss_window;
  if (w <= 0) return;
  losses_.push_back(loss);
  if (static_cast<std::int64_t>(losses_.size()) > 2 * w) losses_.pop_front();
  if (static_cast<std::int64_t>(losses_.size()) < 2 * w) return;
  const double previous = std::accumulate(losses_.begin(), losses_.begin() + w, 0.0) / static_cast<double>(w);
  const double last = std::accumulate(losses_.begin() + w, losses_.end(), 0.0) / static_cast<double>(w);
  if (last > previous || !std::isfinite(last)) {
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  "warning: step %lld: the mean loss of the last %lld steps (%.6g) is above that of the %lld before "
                  "(%.6g): the loss is rising; the learning rate may be too large\n",
                  static_cast<long long>(step), static_cast<long long>(w), last, static_cast<long long>(w), previous);
    out_ << buf;
    ++warnings_;
    losses_.clear();  // one warning per rise, not one per step
  }
}

}  // namespace descent
