#include "descent/nn/sequential.hpp"

#include <string>

#include "descent/autograd/anomaly.hpp"

namespace descent::nn {

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> modules) {
  for (const auto& m : modules) push_back(m);
}

void Sequential::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    LayerScope scope(std::to_string(i));
    x = modules_[i]->forward(x);
    if (hook_) hook_(i, x);
  }
  return x;
}

}  // namespace descent::nn
