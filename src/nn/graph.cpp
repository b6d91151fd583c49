#include "descent/nn/graph.hpp"

#include <string>

#include "descent/autograd/anomaly.hpp"
#include "descent/error.hpp"

namespace descent::nn {

void Graph::push_back(std::shared_ptr<Module> module, GraphInputs inputs) {
  const std::size_t index = size();
  if (!inputs.merged.empty() && !dynamic_cast<Merge*>(module.get()))
    throw ValueError("Graph: layer " + std::to_string(index) + " (" + module->describe() +
                     ") merges earlier outputs but is not a merge layer (Add, Concat)");
  std::vector<std::size_t> earlier = inputs.merged;
  if (inputs.input) earlier.push_back(*inputs.input);
  for (std::size_t j : earlier)
    if (j >= index)
      throw ValueError("Graph: layer " + std::to_string(index) + " takes the output of layer " + std::to_string(j) +
                       ", which is not an earlier layer");
  Sequential::push_back(std::move(module));
  inputs_.resize(index + 1);
  kept_.resize(index + 1, false);
  for (std::size_t j : earlier) kept_[j] = true;
  inputs_[index] = std::move(inputs);
}

Tensor Graph::forward(const Tensor& input) {
  std::vector<Tensor> kept(size());  // the outputs later layers take; the others are let go
  Tensor x = input;
  for (std::size_t i = 0; i < size(); ++i) {
    LayerScope scope(std::to_string(i));
    const std::shared_ptr<Module>& layer = (*this)[i];
    const GraphInputs none;
    const GraphInputs& in = i < inputs_.size() ? inputs_[i] : none;
    if (in.input) x = kept[*in.input];
    if (!in.merged.empty()) {
      std::vector<Tensor> merged = {x};
      for (std::size_t j : in.merged) merged.push_back(kept[j]);
      x = static_cast<Merge&>(*layer).merge(merged);
    } else {
      x = layer->forward(x);
    }
    if (i < kept_.size() && kept_[i]) kept[i] = x;
    if (forward_hook()) forward_hook()(i, x);
  }
  return x;
}

}  // namespace descent::nn
