#include "descent/train/early_stopping.hpp"

#include <cmath>

#include "descent/error.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

double fraction_or_nan(std::int64_t correct, std::int64_t total) {
  return total ? static_cast<double>(correct) / static_cast<double>(total) : NAN;
}

}  // namespace

double metric_value(std::string_view metric, const EpochResult& r) {
  if (metric == "val_loss") return r.val_loss;
  if (metric == "val_accuracy") return fraction_or_nan(r.val_correct, r.val_total);
  if (metric == "train_loss") return r.train_loss;
  if (metric == "test_loss") return r.test_loss;
  if (metric == "test_accuracy") return fraction_or_nan(r.test_correct, r.test_total);
  throw ValueError("metric \"" + std::string(metric) +
                   "\": expected one of val_loss, val_accuracy, train_loss, test_loss, test_accuracy");
}

bool metric_rises(std::string_view metric) { return metric.ends_with("_accuracy"); }

BestMetric::BestMetric(std::string metric, double min_delta)
    : metric_(std::move(metric)), min_delta_(min_delta), rises_(metric_rises(metric_)) {
  metric_value(metric_, EpochResult{});  // an unknown name fails here, not after the first epoch
}

bool BestMetric::update(const EpochResult& result) {
  const double value = metric_value(metric_, result);
  // Keras: np.less(current - min_delta, best) for "min", np.greater(current + min_delta, best) for "max".
  const bool better =
      std::isfinite(value) && (!has_best() || (rises_ ? value - min_delta_ > best_ : value + min_delta_ < best_));
  if (!better) {
    ++wait_;
    return false;
  }
  best_ = value;
  best_epoch_ = result.epoch;
  wait_ = 0;
  return true;
}

EarlyStopping::EarlyStopping(const EarlyStoppingConfig& config)
    : config_(config), best_(config.metric, config.min_delta) {}

bool EarlyStopping::should_stop(const EpochResult& result) {
  last_epoch_ = result.epoch;
  best_.update(result);
  return best_.epochs_without_improvement() >= config_.patience;
}

std::string EarlyStopping::message() const {
  std::string text = "early stopping after epoch ";
  text.append(std::to_string(last_epoch_))
      .append(": ")
      .append(config_.metric)
      .append(" has not improved by more than ")
      .append(util::format_number(config_.min_delta))
      .append(" for ")
      .append(std::to_string(config_.patience))
      .append(config_.patience == 1 ? " epoch" : " epochs");
  if (best_.has_best())
    text.append("; best ")
        .append(util::format_number(best_.best(), ".6g"))
        .append(" at epoch ")
        .append(std::to_string(best_.best_epoch()));
  else text.append("; no epoch gave a finite value");
  return text;
}

std::string save_best_metric(const TrainConfig& config) {
  std::string metric = config.early_stopping ? config.early_stopping->metric : "val_loss";
  if (metric.starts_with("val_") && config.data.validation == 0)
    throw ConfigError(config.path + ": --save-best keeps the checkpoint with the best " + metric +
                      (config.early_stopping ? " (train.early_stopping.metric)" : "") +
                      ": expected [data] validation > 0, examples held out of training to measure it on");
  return metric;
}

}  // namespace descent::train
