#include "descent/data/data_loader.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/indexing.hpp"

namespace descent::data {

DataLoader::DataLoader(const Dataset& dataset, DataLoaderOptions options)
    : dataset_(dataset), options_(std::move(options)), generator_(options_.seed) {
  if (options_.batch_size < 1)
    throw ValueError("DataLoader: batch_size = " + std::to_string(options_.batch_size) + ": expected batch_size >= 1");
  if ((!dataset_.pixels.defined() && !dataset_.inputs().defined()) || !dataset_.targets.defined())
    throw ValueError("DataLoader: expected a dataset with inputs and targets, got an undefined tensor");
  const Shape input_shape = dataset_.input_shape();
  if (input_shape.empty() || dataset_.targets.dim() < 1 || input_shape[0] != dataset_.targets.size(0))
    throw ShapeError("DataLoader: expected inputs (N, ...) and targets (N, ...), got inputs " + to_string(input_shape) +
                     " and targets " + to_string(dataset_.targets.shape()));
  // Gathering rows copies raw memory: make a strided dataset contiguous once, not once per batch. Batches
  // of a set with bytes come from the bytes: its rows as numbers are not made.
  if (dataset_.pixels.defined()) dataset_.pixels = kernels::contiguous(dataset_.pixels);
  else dataset_.set_inputs(kernels::contiguous(dataset_.inputs()));
  dataset_.targets = kernels::contiguous(dataset_.targets);
  order_.resize(static_cast<std::size_t>(dataset_.size()));
  if (options_.augment.any() && dataset_.image_shape.size() != 3)
    throw ValueError("DataLoader: augment needs images: expected the dataset's image_shape (C, H, W), got none");
}

std::int64_t DataLoader::num_batches() const {
  const std::int64_t n = dataset_.size(), b = options_.batch_size;
  return options_.drop_last ? n / b : n / b + (n % b != 0);  // not (n + b - 1) / b: b may be near 2^63
}

void DataLoader::start_epoch() {
  // Each epoch shuffles the identity, so the order depends on the generator state alone (checkpoints).
  epoch_generator_ = generator_;
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
  if (options_.shuffle)
    for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[generator_.below(i)]);
  if (options_.augment.any()) augment_generator_.manual_seed(generator_.next_u64());
  position_ = 0;
  started_ = true;
}

bool DataLoader::next(Batch& batch) {
  if (!started_) start_epoch();
  const std::int64_t count = std::min(options_.batch_size, dataset_.size() - position_);
  if (count <= 0 || (options_.drop_last && count < options_.batch_size)) return false;

  if (!inputs_buffer_.defined()) {
    Shape shape = dataset_.input_shape();
    shape[0] = std::min(options_.batch_size, dataset_.size());
    // Zeros where only some rows are gathered: the others are never read uninitialized (augment).
    inputs_buffer_ =
        options_.input_rows ? zeros(shape, dataset_.input_dtype()) : Tensor::empty(shape, dataset_.input_dtype());
    Shape target_shape = dataset_.targets.shape();
    target_shape[0] = shape[0];
    targets_buffer_ = Tensor::empty(target_shape, dataset_.targets.dtype());
  }
  // A short last batch is a view of the buffers' first rows: same memory, no new allocation.
  const bool full = count == inputs_buffer_.size(0);
  const std::int64_t* rows = order_.data() + position_;
  const Tensor inputs_out = full ? inputs_buffer_ : inputs_buffer_.view_narrowed(0, count);
  const auto [first, used] = used_rows(count);
  const Tensor used_out = used == count ? inputs_out : inputs_out.view_narrowed(first, used);
  const Tensor gathered = dataset_.pixels.defined()
                              ? kernels::gather_rows_scaled(dataset_.pixels, rows + first, used, dataset_.pixel_scale,
                                                            dataset_.input_dtype(), used_out)
                              : kernels::index_select_rows(dataset_.inputs(), rows + first, used, used_out);
  if (used == count) {
    batch.inputs = gathered;
  } else {  // the gather wrote into used_out, a view of the rows of inputs_out, unless it had to allocate
    if (gathered.raw_data() != used_out.raw_data()) kernels::copy_(used_out, gathered);
    batch.inputs = inputs_out;
  }
  batch.targets = kernels::index_select_rows(dataset_.targets, rows, count,
                                             full ? targets_buffer_ : targets_buffer_.view_narrowed(0, count));
  if (options_.augment.any()) augment_(batch.inputs, dataset_.image_shape, options_.augment, augment_generator_);
  position_ += count;
  // The next batch's rows are scattered over the whole data set: ask for them now, so that they
  // arrive from memory while this batch trains.
  const std::int64_t ahead = std::min(options_.batch_size, dataset_.size() - position_);
  if (ahead > 0) {
    const auto [next_first, next_used] = used_rows(ahead);
    kernels::prefetch_rows(dataset_.pixels.defined() ? dataset_.pixels : dataset_.inputs(),
                           order_.data() + position_ + next_first, next_used);
    // The targets too: a label read from memory stalls the gather that picks it (about 2% of W1's step).
    kernels::prefetch_rows(dataset_.targets, order_.data() + position_, ahead);
  }
  return true;
}

std::pair<std::int64_t, std::int64_t> DataLoader::used_rows(std::int64_t count) const {
  if (!options_.input_rows) return {0, count};
  const auto [first, used] = options_.input_rows(count);
  if (first < 0 || used < 0 || first > count || used > count - first)
    throw ValueError("DataLoader: input_rows gave rows [" + std::to_string(first) + ", " +
                     std::to_string(first + used) + ") of a batch of " + std::to_string(count));
  return {first, used};
}

std::string DataLoader::generator_state() const { return generator_.state(); }

void DataLoader::set_generator_state(const std::string& state) { generator_.set_state(state); }

DataLoader::Position DataLoader::position() const {
  return {.epoch_generator = (started_ ? epoch_generator_ : generator_).state(),
          .rows = started_ ? position_ : 0,
          .augment_generator = options_.augment.any() ? augment_generator_.state() : std::string()};
}

void DataLoader::set_position(const Position& position) {
  if (position.rows < 0 || position.rows > dataset_.size())
    throw ValueError("DataLoader: position " + std::to_string(position.rows) + ": expected 0 to " +
                     std::to_string(dataset_.size()) + " rows");
  generator_.set_state(position.epoch_generator);
  start_epoch();
  if (options_.augment.any() && !position.augment_generator.empty())
    augment_generator_.set_state(position.augment_generator);
  position_ = position.rows;
}

}  // namespace descent::data
