#pragma once
// Differentiable gather (picks, for instance, the log-probability of each sample's class) and
// embedding lookup.
#include <cstdint>
#include <optional>

#include "descent/tensor/tensor.hpp"

namespace descent {

// out[i][j] = a[i][index[i][j]] (dim 1), as torch.gather; index is int64.
Tensor gather(const Tensor& a, std::int64_t dim, const Tensor& index);

// Rows of weight (num_embeddings, D) picked by int64 indices of any shape -> (*indices.shape, D), as
// torch.nn.functional.embedding. The weight's gradient adds each output row's gradient into its row
// (repeated indices accumulate); the row padding_idx (negative: from the end) gets none.
Tensor embedding(const Tensor& indices, const Tensor& weight, std::optional<std::int64_t> padding_idx = std::nullopt);

}  // namespace descent
