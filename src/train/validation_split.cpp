#include "descent/train/validation_split.hpp"

#include "descent/error.hpp"

namespace descent::train {
namespace {

// Rows [start, start + count) of `t` (dim 0), copied: an in-place normalization of one part must leave
// the other alone.
Tensor rows(const Tensor& t, std::int64_t start, std::int64_t count) {
  return t.defined() ? t.view_narrowed(start, count).clone() : Tensor();
}

data::Dataset slice(const data::Dataset& d, std::int64_t start, std::int64_t count) {
  data::Dataset out;
  out.targets = rows(d.targets, start, count);
  if (d.pixels.defined()) out.set_pixels(rows(d.pixels, start, count), d.pixel_scale, d.input_dtype());
  else out.set_inputs(rows(d.inputs(), start, count));
  return out;
}

}  // namespace

std::int64_t training_examples_to_read(const DataConfig& data) {
  return data.train_limit > 0 && data.validation > 0 ? data.train_limit + data.validation : data.train_limit;
}

data::Dataset hold_out_validation(const TrainConfig& config, data::Dataset& train, const std::string& source) {
  const std::int64_t held = config.data.validation, limit = config.data.train_limit, n = train.size();
  const std::string key = config.path + ": data.validation = " + std::to_string(held);
  if (limit > 0 && n < limit + held)
    throw ConfigError(key + " after data.train_limit = " + std::to_string(limit) + ": expected train_limit + " +
                      "validation <= " + std::to_string(n) + ", the training examples in " + source + " (" +
                      std::to_string(limit + held) + " asked)");
  if (held >= n)
    throw ConfigError(key + ": expected validation < " + std::to_string(n) + ", the training examples in " + source +
                      ": it leaves none to train on");
  const std::int64_t kept = n - held;
  data::Dataset validation = slice(train, kept, held);
  train = slice(train, 0, kept);
  return validation;
}

}  // namespace descent::train
