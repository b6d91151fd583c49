#include "descent/autograd/node.hpp"

#include "descent/autograd/anomaly.hpp"
#include "descent/autograd/grad_mode.hpp"

namespace descent {

bool any_requires_grad(std::span<const Tensor* const> inputs) {
  if (!is_grad_enabled()) return false;
  for (const Tensor* t : inputs)
    if (t && t->defined() && t->requires_grad()) return true;
  return false;
}

Tensor attach(Tensor out, const char* name, std::span<const Tensor* const> inputs, std::shared_ptr<Node> node) {
  node->name = name;
  if (is_anomaly_enabled()) {
    node->layer = LayerScope::current();
    node->input_ranges = describe_ranges(inputs);
    check_finite(out, name, "forward", node->layer, node->input_ranges);
  }
  node->next.reserve(inputs.size());
  for (const Tensor* t : inputs) {
    Edge e;
    if (t && t->defined() && t->requires_grad()) {
      const auto& meta = t->impl()->autograd;
      if (meta->grad_fn) e.node = meta->grad_fn;
      else e.leaf = meta;
      e.shape = t->shape();
    }
    node->next.push_back(std::move(e));
  }
  auto meta = make_pooled<AutogradMeta>();
  meta->requires_grad = true;
  meta->grad_fn = std::move(node);
  out.impl()->autograd = std::move(meta);
  return out;
}

}  // namespace descent
