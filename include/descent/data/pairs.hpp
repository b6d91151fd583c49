#pragma once
// Pairs of examples for Siamese networks, drawn from a labelled Dataset: half from the same class
// (target `similar`), half from different classes (target `dissimilar`), seeded. The defaults, +1 and
// -1, are CosineEmbeddingLoss's targets; {.similar = 1, .dissimilar = 0} are ContrastiveLoss's labels.
//
//   data::Dataset pairs = data::make_pairs(mnist_train, {.count = 20000, .seed = 1});
//   // pairs.inputs() (20000, 2 * 784): the two examples side by side; pairs.targets (20000) float
#include <cstdint>

#include "descent/data/dataset.hpp"

namespace descent::data {

struct PairOptions {
  std::int64_t count = 0;  // pairs drawn; even indices are similar pairs, odd ones dissimilar
  std::uint64_t seed = 0;
  double similar = 1;      // the target of a same-class pair
  double dissimilar = -1;  // the target of a different-class pair
};

// Pair i: a first example drawn uniformly from `source`, then a second drawn uniformly from the other
// examples of its class (similar, i even) or from a class drawn uniformly among the others present
// (dissimilar, i odd). The result's inputs are (count, 2F) in the source's dtype, the first example's
// F features then the second's; pixels (count, 2F) uint8 with the source's pixel_scale when the source
// has pixels, so that a DataLoader gathers bytes; targets (count) in the inputs' dtype.
// Throws ValueError when `source` has no int64 labels, fewer than two classes, or no class with two
// examples, or when count < 1.
Dataset make_pairs(const Dataset& source, const PairOptions& options);

}  // namespace descent::data
