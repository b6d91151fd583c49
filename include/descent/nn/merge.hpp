#pragma once
// Merge layers: the previous layer's output joined with earlier layers' outputs, which the model
// (nn::Graph) hands in. Add sums them, as `out + shortcut` closes a ResNet block; Concat joins them
// along a dimension, as torch.cat(..., dim=1) joins channels in a DenseNet or Inception block.
#include <cstdint>
#include <string>
#include <vector>

#include "descent/nn/module.hpp"

namespace descent::nn {

class Merge : public Module {
 public:
  // inputs[0] is the previous layer's output, then the earlier outputs the layer takes, in order.
  virtual Tensor merge(const std::vector<Tensor>& inputs) = 0;
  // Alone, without earlier outputs: the input itself (Add) or its concatenation with nothing.
  Tensor forward(const Tensor& input) override { return merge({input}); }
};

// The sum of outputs of one shape (no broadcasting: a shortcut of another shape is a model error).
// `names` are the earlier outputs' names, for describe() alone.
class Add : public Merge {
 public:
  explicit Add(std::vector<std::string> names = {}) : names_(std::move(names)) {}
  Tensor merge(const std::vector<Tensor>& inputs) override;
  std::string describe() const override;  // "Add(inputs=['block1_in'])"

 private:
  std::vector<std::string> names_;
};

// The outputs joined along `dim` (counted with the batch's: 1 is the channels of (N, C, H, W)).
class Concat : public Merge {
 public:
  explicit Concat(std::int64_t dim = 1, std::vector<std::string> names = {}) : dim_(dim), names_(std::move(names)) {}
  Tensor merge(const std::vector<Tensor>& inputs) override;
  std::string describe() const override;  // "Concat(dim=1, inputs=['stem'])"
  std::int64_t dim() const { return dim_; }

 private:
  std::int64_t dim_;
  std::vector<std::string> names_;
};

// "['a', 'b']": the names as Python prints a list of strings.
std::string python_names(const std::vector<std::string>& names);

}  // namespace descent::nn
