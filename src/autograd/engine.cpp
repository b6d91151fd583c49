#include "descent/autograd/engine.hpp"

#include <algorithm>
#include <atomic>
#include <utility>
#include <vector>

#include "descent/autograd/anomaly.hpp"
#include "descent/autograd/grad_mode.hpp"
#include "descent/autograd/node.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"

namespace descent {
namespace {

// Nodes below `root` with every node after all nodes that feed it (reverse post-order of a DFS), into
// `post`. A node is marked seen by stamping it with this pass's number, so the sort allocates no set;
// its two lists are reused from the thread's last pass (see run_backward), so it allocates nothing.
void topological_order(Node* root, std::vector<Node*>& post, std::vector<std::pair<Node*, std::size_t>>& stack) {
  static std::atomic<std::uint64_t> passes{0};
  const std::uint64_t pass = ++passes;
  post.clear();
  stack.clear();
  stack.emplace_back(root, 0);
  root->visit_mark = pass;
  while (!stack.empty()) {
    auto& [node, i] = stack.back();
    if (i < node->next.size()) {
      Node* child = node->next[i++].node.get();
      if (child && child->visit_mark != pass) {
        child->visit_mark = pass;
        stack.emplace_back(child, 0);
      }
    } else {
      post.push_back(node);
      stack.pop_back();
    }
  }
  std::reverse(post.begin(), post.end());
}

// The sort's lists, kept per thread between passes. A pass takes them (a backward started inside a
// backward finds them empty and makes its own) and gives them back when it ends.
struct SortLists {
  std::vector<Node*> order;
  std::vector<std::pair<Node*, std::size_t>> stack;
};
thread_local SortLists spare_lists;

// A gradient tensor the engine may keep and later add into: when nothing else refers to it, take it;
// otherwise copy (an op's backward may pass its incoming gradient straight through).
Tensor owned(Tensor g) {
  if (g.is_contiguous() && g.impl_ptr().use_count() == 1 && g.impl()->storage.use_count() == 1) return g;
  Tensor c = Tensor::empty(g.shape(), g.dtype());
  kernels::copy_(c, g);
  return c;
}

void accumulate_leaf(AutogradMeta& leaf, Tensor g) {
  if (!leaf.grad.defined()) leaf.grad = owned(std::move(g));
  else kernels::add_(leaf.grad, g);
}

void accumulate_node(Node& node, Tensor g) {
  if (!node.grad.defined()) node.grad = std::move(g);
  else node.grad = kernels::binary(kernels::BinaryOp::Add, node.grad, g);
}

}  // namespace

void run_backward(const Tensor& root, const Tensor& gradient, bool retain_graph) {
  if (!root.requires_grad())
    throw AutogradError(
        "backward: the tensor does not require grad and has no grad_fn (set requires_grad on an input)");
  Tensor g = gradient;
  if (!g.defined()) {
    if (root.numel() != 1)
      throw AutogradError("backward: grad can be implicitly created only for scalar outputs; this output has shape " +
                          to_string(root.shape()) + ", so pass a gradient of that shape");
    g = ones(root.shape(), root.dtype());
  } else if (!(g.shape() == root.shape())) {
    throw AutogradError("backward: gradient of shape " + to_string(g.shape()) + " does not match the output's shape " +
                        to_string(root.shape()));
  } else if (g.dtype() != root.dtype()) {
    throw AutogradError("backward: gradient dtype " + std::string(to_string(g.dtype())) +
                        " differs from the output's " + std::string(to_string(root.dtype())));
  }

  NoGradGuard no_grad;  // backward closures compute with plain tensors
  const auto& meta = root.impl()->autograd;
  if (!meta->grad_fn) {
    accumulate_leaf(*meta, g);
    return;
  }
  std::shared_ptr<Node> keep_root = meta->grad_fn;
  SortLists lists = std::exchange(spare_lists, SortLists{});
  topological_order(keep_root.get(), lists.order, lists.stack);
  const std::vector<Node*>& order = lists.order;
  for (Node* node : order)
    if (node->released)
      throw AutogradError(std::string("backward: trying to backward through the graph a second time (at op '") +
                          node->name +
                          "'); its saved tensors were freed after the first backward. Pass "
                          "retain_graph = true to the first backward if you need to call it twice");
  keep_root->grad = g;
  for (Node* node : order) {
    if (!node->grad.defined()) continue;  // no gradient flowed here
    Tensor grad_out = std::move(node->grad);
    node->grad = Tensor();
    Grads grads = node->apply(grad_out);
    if (is_anomaly_enabled())
      for (const Tensor& gi : grads)
        check_finite(gi, node->name, "backward", node->layer,
                     "incoming gradient " + describe_range(grad_out) + "; forward " + node->input_ranges);
    for (std::size_t i = 0; i < node->next.size() && i < grads.size(); ++i) {
      Edge& e = node->next[i];
      if (!e.defined() || !grads[i].defined()) continue;
      Tensor gi = kernels::sum_to(grads[i], e.shape);  // the one place broadcast gradients are reduced
      grads[i] = Tensor();
      if (e.node) accumulate_node(*e.node, std::move(gi));
      else accumulate_leaf(*e.leaf, std::move(gi));
    }
    if (!retain_graph) {
      node->release();
      node->released = true;
    }
  }
  lists.order.clear();
  spare_lists = std::move(lists);
}

}  // namespace descent
