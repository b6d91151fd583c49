#include "descent/nn/module.hpp"

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::nn {

Tensor Module::register_parameter(const std::string& name, Tensor value) {
  value.requires_grad_(true);
  parameters_.emplace_back(name, value);
  return value;
}

Tensor Module::register_buffer(const std::string& name, Tensor value) {
  buffers_.emplace_back(name, value);
  return value;
}

void Module::collect(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out, bool buffers) const {
  for (const auto& [name, t] : buffers ? buffers_ : parameters_) out.emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out, buffers);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", out, false);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", out, true);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters()) out.push_back(t);
  return out;
}

std::map<std::string, Tensor> Module::state_dict() const {
  std::map<std::string, Tensor> out;
  for (auto& [name, t] : named_parameters()) out[name] = t.detach();
  for (auto& [name, t] : named_buffers()) out[name] = t;
  return out;
}

void Module::load_state_dict(const std::map<std::string, Tensor>& state) {
  const auto mine = state_dict();
  for (const auto& [name, value] : state)
    if (!mine.count(name)) throw ValueError("load_state_dict: unexpected key \"" + name + "\"");
  for (const auto& [name, target] : mine) {
    auto it = state.find(name);
    if (it == state.end()) throw ValueError("load_state_dict: missing key \"" + name + "\"");
    if (!(it->second.shape() == target.shape()))
      throw ShapeError("load_state_dict: \"" + name + "\" has shape " + to_string(it->second.shape()) +
                       ", the model expects " + to_string(target.shape()));
    kernels::copy_(target, it->second);
  }
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() {
  for (auto& t : parameters()) t.set_grad(Tensor());
}

void Module::to(Dtype dtype) {
  auto convert = [dtype](const Tensor& t) {
    // Only floating tensors change, as PyTorch's module.to(dtype): counters such as BatchNorm's
    // num_batches_tracked stay int64.
    if (t.dtype() == dtype || !is_floating(t.dtype())) return;
    const Tensor converted = kernels::cast(kernels::contiguous(t), dtype);
    // Swap the data under the same TensorImpl, so every handle to this parameter sees the change.
    TensorImpl* impl = t.impl();
    impl->storage = converted.impl()->storage;
    impl->offset = 0;
    impl->strides = converted.strides();
    impl->dtype = dtype;
    t.set_grad(Tensor());
  };
  for (auto& [name, t] : named_parameters()) convert(t);
  for (auto& [name, t] : named_buffers()) convert(t);
}

namespace {
void print_tree(const Module& m, std::string& out, int indent) {
  out += m.describe();
  if (m.named_children().empty()) return;
  out += "(\n";
  for (const auto& [name, child] : m.named_children()) {
    out += std::string(indent + 2, ' ') + "(" + name + "): ";
    print_tree(*child, out, indent + 2);
    out += "\n";
  }
  out += std::string(indent, ' ') + ")";
}
}  // namespace

std::string to_string(const Module& module) {
  std::string out;
  print_tree(module, out, 0);
  return out;
}

}  // namespace descent::nn
