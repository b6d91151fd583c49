#include "descent/train/data_parallel.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "descent/error.hpp"

namespace descent::train {
namespace {

std::string loss_option(const TrainConfig& config, std::string_view key, std::string fallback) {
  try {
    return config.loss.option(key);
  } catch (const ValueError&) {
    return fallback;  // the loss has no such option
  }
}

}  // namespace

double shard_loss_weight(const TrainConfig& config, const Tensor& targets, const distributed::BatchShard& shard) {
  if (shard.size == shard.total) return 1.0;
  if (loss_option(config, "reduction", "mean") == "sum") return 1.0;
  const bool class_weighted =
      (config.loss.name == "cross_entropy" || config.loss.name == "nll") && !loss_option(config, "weight", "").empty();
  if (class_weighted && targets.dtype() == Dtype::Int64) {
    const std::vector<double> w = config.loss.numbers("weight");
    const std::int64_t* y = targets.data<std::int64_t>();
    double mine = 0, all = 0;
    for (std::int64_t i = 0; i < shard.total; ++i) {
      const std::int64_t c = y[i];
      const double wi = c >= 0 && c < static_cast<std::int64_t>(w.size()) ? w[static_cast<std::size_t>(c)] : 0.0;
      all += wi;
      if (i >= shard.begin && i < shard.begin + shard.size) mine += wi;
    }
    if (all > 0) return mine / all;
  }
  return static_cast<double>(shard.size) / static_cast<double>(shard.total);
}

RowRange evaluation_rows(std::int64_t size, std::int64_t chunk, int rank, int ranks) {
  const std::int64_t chunks = (size + chunk - 1) / chunk;
  const distributed::BatchShard part = distributed::shard_of(chunks, rank, ranks);
  return {std::min(size, part.begin * chunk), std::min(size, (part.begin + part.size) * chunk)};
}

void check_batches_fit_ranks(const TrainConfig& config, std::int64_t train_size, std::int64_t batch_size, int ranks) {
  if (ranks <= 1 || train_size == 0) return;
  const std::int64_t last = train_size % batch_size;
  const std::int64_t smallest = train_size < batch_size ? train_size : (last == 0 ? batch_size : last);
  if (smallest >= ranks) return;
  throw ConfigError(config.path + ": train.batch_size = " + std::to_string(batch_size) + " over " +
                    std::to_string(train_size) + " training examples leaves a batch of " + std::to_string(smallest) +
                    (smallest == 1 ? " example" : " examples") + ", fewer than the " + std::to_string(ranks) +
                    " processes it is split over (one row each at least): choose a batch size whose last batch "
                    "holds at least " +
                    std::to_string(ranks) + " examples, or run fewer processes");
}

}  // namespace descent::train
