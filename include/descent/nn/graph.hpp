#pragma once
// Graph: a Sequential whose layers may also take the outputs of earlier layers, which makes residual
// and dense connections with the layers still in one list: a layer may take an earlier output instead
// of the previous one (a ResNet block's 1x1 shortcut convolution starts from the block's input), and a
// merge layer (nn::Merge: Add, Concat) joins its input with earlier outputs (relu(bn(conv(x))) + x).
// Layer i is child "i" as in a Sequential, so parameter names ("3.weight"), state dicts, train/eval
// mode, the forward hook and the model outline are unchanged.
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "descent/nn/merge.hpp"
#include "descent/nn/sequential.hpp"

namespace descent::nn {

// Where a layer's inputs come from, by the indices of earlier layers.
struct GraphInputs {
  std::optional<std::size_t> input;  // the layer whose output it takes; unset: the previous layer's
  std::vector<std::size_t> merged;   // a merge layer's: the outputs it joins with its input, in order
};

class Graph : public Sequential {
 public:
  using Sequential::push_back;
  // ValueError when an index is not below the layer's own, or `merged` is set for a module that is not
  // a Merge.
  void push_back(std::shared_ptr<Module> module, GraphInputs inputs);
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Graph"; }

  // Layer i's inputs as pushed (none for a layer pushed as to a Sequential).
  GraphInputs inputs_of(std::size_t i) const { return i < inputs_.size() ? inputs_[i] : GraphInputs{}; }

 private:
  std::vector<GraphInputs> inputs_;  // per layer
  std::vector<bool> kept_;           // whether a later layer takes layer i's output
};

}  // namespace descent::nn
