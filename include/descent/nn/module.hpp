#pragma once
// Module: a node in a model tree, owning named parameters and child modules. Names are
// hierarchical, as PyTorch's: a Sequential's first Linear holds "0.weight" and "0.bias".
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent::nn {

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  virtual Tensor forward(const Tensor& input) = 0;
  Tensor operator()(const Tensor& input) { return forward(input); }
  // One line describing this module alone, as PyTorch prints it: "Linear(in_features=784, ...)".
  virtual std::string describe() const = 0;

  std::vector<Tensor> parameters() const;
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  std::vector<std::pair<std::string, Tensor>> named_buffers() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const { return children_; }
  // Parameters and buffers by name: the tensors share data with the module.
  std::map<std::string, Tensor> state_dict() const;
  // Copies values in; every key must exist with the same shape, and none may be missing.
  void load_state_dict(const std::map<std::string, Tensor>& state);

  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  void zero_grad();
  // Converts every parameter and buffer in place (the tensors keep their identity).
  void to(Dtype dtype);

 protected:
  // Registers a leaf that requires grad and returns it (a handle sharing the registered tensor).
  Tensor register_parameter(const std::string& name, Tensor value);
  Tensor register_buffer(const std::string& name, Tensor value);
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    children_.emplace_back(name, module);
    return module;
  }

 private:
  void collect(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out, bool buffers) const;

  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// The module tree printed as PyTorch prints it.
std::string to_string(const Module& module);

}  // namespace descent::nn
