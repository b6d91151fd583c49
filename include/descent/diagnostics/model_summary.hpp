#pragma once
// A model's layers as torchinfo's summary(model, input_size) prints them: one row per module of the
// tree, depth first, with its type, its output shape for one input, and the parameters it holds
// itself; then the totals.
//
//   ==========================================================================================
//   Layer (type:depth-idx)                   Output Shape              Param #
//   ==========================================================================================
//   Sequential                               [1, 10]                   --
//   ├─Linear: 1-1                            [1, 30]                   23,550
//   ├─Sigmoid: 1-2                           [1, 30]                   --
//   ...
//   ==========================================================================================
//   Total params: 23,860
//   Trainable params: 23,860
//   Non-trainable params: 0
//   ==========================================================================================
//   Input size (MB): 0.00
//   Forward/backward pass size (MB): 0.00        each leaf module's output, and its gradient
//   Params size (MB): 0.10
//   Estimated Total Size (MB): 0.10              the three above
//   ...
//
// Generic over the module tree: rows come from named_children() at every depth; output shapes from
// one forward pass with a hook on every Sequential of the tree (a child of another container shows
// "--", as torchinfo does for what its hooks do not see).
#include <cstdint>
#include <string>
#include <vector>

#include "descent/nn/module.hpp"
#include "descent/tensor/dtype.hpp"
#include "descent/tensor/shape.hpp"

namespace descent::diagnostics {

struct SummaryRow {
  int depth = 0;                    // 0: the model itself
  std::string type;                 // the module's type, as describe() begins: "Linear"
  std::string index;                // torchinfo's "depth-idx": "1-3", the third module at depth 1; "" for the model
  std::vector<std::int64_t> shape;  // the output's shape for the summary's input; empty when unseen
  std::int64_t params = 0;          // the parameters the module holds itself (not its children's)
};

struct ModelSummary {
  std::vector<SummaryRow> rows;
  std::vector<std::int64_t> input_shape;
  std::int64_t total_params = 0;
  std::int64_t trainable_params = 0;  // those that require grad
  Dtype dtype = Dtype::Float32;       // the parameters' (for the sizes in MB)
};

// Runs `model` once in eval mode without a graph on zeros of `input_shape` (batch dimension first,
// [1, 784]) and `dtype`, and collects the rows. The model's training mode is restored.
ModelSummary summarize(nn::Module& model, const std::vector<std::int64_t>& input_shape, Dtype dtype);

// The table as torchinfo prints it, each line ending in '\n'.
std::string to_string(const ModelSummary& summary);

}  // namespace descent::diagnostics
