#pragma once
// The define-by-run tape. Each differentiable op that sees an input requiring a gradient creates a
// Node: the edges to its inputs and a backward closure that maps the gradient of its output to the
// gradients of its inputs. The closure captures only what backward needs: inputs as they are (a node
// already holds its inputs through its edges), and the output only as out.detach(), since the
// output's own link to this node would make a cycle.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "descent/autograd/grads.hpp"
#include "descent/tensor/pool_allocator.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent {

struct Node;

struct AutogradMeta {
  bool requires_grad = false;
  Tensor grad;                    // accumulated gradient of a leaf
  std::shared_ptr<Node> grad_fn;  // the op that made this tensor; null for a leaf
};

// Where an input's gradient goes: the node that made it, or the leaf's metadata.
struct Edge {
  std::shared_ptr<Node> node;
  std::shared_ptr<AutogradMeta> leaf;
  Shape shape;  // the input's shape: gradients are summed back to it (broadcasting)
  bool defined() const { return node || leaf; }
};

struct Node {
  virtual ~Node() = default;
  // Gradients of the inputs, one per edge; an undefined Tensor where an input needs none.
  virtual Grads apply(const Tensor& grad_output) = 0;
  // Frees what backward saved (the graph is released after a backward pass).
  virtual void release() = 0;

  const char* name = "";  // the op's name, for error messages and diagnostics
  std::vector<Edge, PoolAllocator<Edge>> next;
  bool released = false;
  Tensor grad;                      // the output's gradient, accumulated while the engine runs
  std::uint64_t visit_mark = 0;     // the engine's topological sort: last pass that reached this node
  std::string layer, input_ranges;  // filled only under anomaly detection, for its reports

  bool needs_grad(std::size_t input) const { return input < next.size() && next[input].defined(); }
};

// A node whose backward is a closure taking the output's gradient and returning Grads (or a
// std::vector<Tensor>). The closure is stored in the node itself (one pooled allocation, no std::function).
template <class F>
struct ClosureNode final : Node {
  explicit ClosureNode(F f) : backward(std::move(f)) {}
  Grads apply(const Tensor& grad_output) override { return (*backward)(grad_output); }
  void release() override { backward.reset(); }
  std::optional<F> backward;
};

// True when record() would make a node for these inputs.
bool any_requires_grad(std::span<const Tensor* const> inputs);
inline bool any_requires_grad(std::initializer_list<const Tensor*> inputs) {
  return any_requires_grad(std::span(inputs.begin(), inputs.size()));
}
// Links `node` into the graph as the maker of `out`, with an edge to each of `inputs`. `name` must
// outlive the node (a string literal): the engine's messages use it after backward frees the closure.
Tensor attach(Tensor out, const char* name, std::span<const Tensor* const> inputs, std::shared_ptr<Node> node);
inline Tensor attach(Tensor out, const char* name, std::initializer_list<const Tensor*> inputs,
                     std::shared_ptr<Node> node) {
  return attach(std::move(out), name, std::span(inputs.begin(), inputs.size()), std::move(node));
}

// Records `out` as the result of op `name` applied to `inputs` when gradients are on and some input
// requires one; otherwise returns `out` untouched. `backward` runs only in the first case, at most once.
template <class F>
Tensor record(Tensor out, const char* name, std::initializer_list<const Tensor*> inputs, F&& backward) {
  if (!any_requires_grad(inputs)) return out;
  return attach(std::move(out), name, inputs, make_pooled<ClosureNode<std::decay_t<F>>>(std::forward<F>(backward)));
}

}  // namespace descent
