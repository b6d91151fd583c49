#pragma once
// Sequential: modules applied in order; the i-th is registered as child "i".
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
  const std::shared_ptr<Module>& operator[](std::size_t i) const { return modules_.at(i); }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};

}  // namespace descent::nn
