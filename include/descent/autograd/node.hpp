#pragma once
// The define-by-run tape. Each differentiable op that sees an input requiring a gradient creates a
// Node: the edges to its inputs and a backward closure that maps the gradient of its output to the
// gradients of its inputs. The closure captures only what backward needs, and never the output
// itself with its autograd link (it captures out.detach()), so the graph holds no cycles.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent {

struct Node;

struct AutogradMeta {
  bool requires_grad = false;
  Tensor grad;                     // accumulated gradient of a leaf
  std::shared_ptr<Node> grad_fn;   // the op that made this tensor; null for a leaf
};

// Where an input's gradient goes: the node that made it, or the leaf's metadata.
struct Edge {
  std::shared_ptr<Node> node;
  std::shared_ptr<AutogradMeta> leaf;
  Shape shape;  // the input's shape: gradients are summed back to it (broadcasting)
  bool defined() const { return node || leaf; }
};

struct Node {
  // Gradients of the inputs, one per edge; an undefined Tensor where an input needs none.
  using Backward = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

  const char* name = "";  // the op's name, for error messages and diagnostics
  std::vector<Edge> next;
  Backward backward;
  bool released = false;
  Tensor grad;  // the output's gradient, accumulated while the engine runs
  std::uint64_t visit_mark = 0;  // the engine's topological sort: last pass that reached this node

  bool needs_grad(std::size_t input) const { return input < next.size() && next[input].defined(); }
};

// Records `out` as the result of op `name` applied to `inputs` when gradients are on and some input
// requires one; otherwise returns `out` untouched. `backward` is called only in the first case.
Tensor record(Tensor out, const char* name, std::initializer_list<const Tensor*> inputs, Node::Backward backward);
// True when record() would make a node for these inputs.
bool any_requires_grad(std::initializer_list<const Tensor*> inputs);

}  // namespace descent
