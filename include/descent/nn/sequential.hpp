#pragma once
// Sequential: modules applied in order; the i-th is registered as child "i".
#include <functional>
#include <initializer_list>
#include <memory>

#include "descent/nn/module.hpp"

namespace descent::nn {

class Sequential : public Module {
 public:
  Sequential() = default;
  Sequential(std::initializer_list<std::shared_ptr<Module>> modules);

  void push_back(std::shared_ptr<Module> module);
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Sequential"; }

  std::size_t size() const { return modules_.size(); }

  // Called with each module's index and output during forward, as PyTorch's register_forward_hook on
  // every child: diagnostics read activations through it without a copy of the model. One hook at a
  // time; an empty function removes it.
  using ForwardHook = std::function<void(std::size_t index, const Tensor& output)>;
  void set_forward_hook(ForwardHook hook) { hook_ = std::move(hook); }
  bool has_forward_hook() const { return static_cast<bool>(hook_); }
  const std::shared_ptr<Module>& operator[](std::size_t i) const { return modules_.at(i); }

 protected:
  const ForwardHook& forward_hook() const { return hook_; }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
  ForwardHook hook_;
};

}  // namespace descent::nn
