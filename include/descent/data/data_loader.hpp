#pragma once
// Mini-batches over a Dataset, as PyTorch's DataLoader: optional seeded shuffle each epoch, a last
// partial batch kept or dropped. Batches are gathered into buffers the loader owns and reuses, so a
// training loop allocates no tensor memory per batch.
//
//   DataLoader loader(train, {.batch_size = 64, .shuffle = true, .seed = 1});
//   Batch batch;
//   for (int epoch = 0; epoch < epochs; ++epoch)
//     for (loader.start_epoch(); loader.next(batch);) step(batch.inputs, batch.targets);
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "descent/data/augment.hpp"
#include "descent/data/dataset.hpp"
#include "descent/tensor/generator.hpp"

namespace descent::data {

struct DataLoaderOptions {
  std::int64_t batch_size = 1;
  bool shuffle = false;
  bool drop_last = false;  // drop the last batch when it is smaller than batch_size
  std::uint64_t seed = 0;  // seeds the shuffle: the same seed gives the same orders
  // Random transforms of every image of every batch (augment.hpp), for training: the dataset needs its
  // image_shape. Their generator is reseeded at each start_epoch by a draw of the shuffle generator, so
  // that a checkpoint's generator state repeats the transforms as well as the order.
  AugmentOptions augment = {};
  // Data-parallel training: the rows of a batch of n whose inputs this process uses, as {first, count}
  // (its shard). The inputs of the other rows are not gathered: batch.inputs holds zeros or an earlier
  // batch's rows there. Targets, and the augment generator's draws, still cover every row, so that the
  // shard's rows are exactly those of the whole batch. Unset: every row.
  std::function<std::pair<std::int64_t, std::int64_t>(std::int64_t n)> input_rows = {};
};

// inputs (B, features...) and targets (B) for B <= batch_size.
// A Batch is valid until the next call to next(): its tensors share the loader's reused buffers, so
// copy them (clone()) to keep a batch longer.
struct Batch {
  Tensor inputs;
  Tensor targets;
};

class DataLoader {
 public:
  // Keeps a handle to the dataset's tensors (shared, not copied). Throws ValueError for batch_size < 1,
  // or augment options without the dataset's image_shape.
  DataLoader(const Dataset& dataset, DataLoaderOptions options);

  std::int64_t num_batches() const;
  // Rewinds to the first batch, drawing a new order when shuffling (Fisher-Yates). The first call of
  // next() starts the first epoch by itself.
  void start_epoch();
  // Fills `batch` with the next batch; false at the end of the epoch.
  bool next(Batch& batch);

  // The shuffle generator's state, for checkpoints: restoring it before start_epoch() repeats the
  // order the saved run would have drawn.
  std::string generator_state() const;
  void set_generator_state(const std::string& state);

  // Where an epoch under way stands, for checkpoints written inside it: the shuffle generator's state
  // before the epoch drew its order, the rows handed out, and the augment generator's state.
  struct Position {
    std::string epoch_generator;
    std::int64_t rows = 0;
    std::string augment_generator;
  };
  Position position() const;
  // Goes back into the epoch `position` describes: draws its order again and goes on after its rows, so
  // the next batches (and their transforms) are those the saved run would have drawn. The generator
  // state after it is that of the saved run. Throws ValueError for rows beyond the data set.
  void set_position(const Position& position);

 private:
  // options_.input_rows of a batch of `count`, checked; every row without it.
  std::pair<std::int64_t, std::int64_t> used_rows(std::int64_t count) const;

  Dataset dataset_;
  DataLoaderOptions options_;
  Generator generator_;
  Generator augment_generator_;      // reseeded from generator_ each epoch when options_.augment.any()
  Generator epoch_generator_;        // generator_ as this epoch found it, before drawing its order
  std::vector<std::int64_t> order_;  // dataset rows in this epoch's order
  std::int64_t position_ = 0;        // next index into order_
  bool started_ = false;
  Tensor inputs_buffer_, targets_buffer_;  // (min(batch_size, N), ...), reused by every batch
};

}  // namespace descent::data
