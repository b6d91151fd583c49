#include "custom_functions_on_path.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "descent/autograd/function.hpp"
#include "descent/autograd/node.hpp"
#include "descent/util/join.hpp"

namespace descent::diagnostics {
namespace {

using Leaves = std::set<const AutogradMeta*>;

// The leaves reachable from `node`, memoized (a graph shares subgraphs).
const Leaves& reachable(const Node* node, std::map<const Node*, Leaves>& memo) {
  if (auto it = memo.find(node); it != memo.end()) return it->second;
  Leaves leaves;
  for (const Edge& e : node->next) {
    if (e.leaf) leaves.insert(e.leaf.get());
    if (e.node) {
      const Leaves& below = reachable(e.node.get(), memo);
      leaves.insert(below.begin(), below.end());
    }
  }
  return memo[node] = std::move(leaves);
}

// Nodes below `root`, each once, parents before their inputs where the graph allows (breadth first).
std::vector<const Node*> nodes_from(const Node* root) {
  std::vector<const Node*> order{root};
  std::set<const Node*> seen{root};
  for (std::size_t i = 0; i < order.size(); ++i)
    for (const Edge& e : order[i]->next)
      if (e.node && seen.insert(e.node.get()).second) order.push_back(e.node.get());
  return order;
}

}  // namespace

std::vector<std::vector<std::string>> custom_functions_on_path(const Tensor& loss, const std::vector<Tensor>& params) {
  std::vector<std::vector<std::string>> out(params.size());
  if (!loss.defined() || !loss.impl()->autograd || !loss.impl()->autograd->grad_fn) return out;
  std::map<const Node*, Leaves> memo;
  for (const Node* node : nodes_from(loss.impl()->autograd->grad_fn.get())) {
    if (!is_custom_function(*node)) continue;
    const Leaves& leaves = reachable(node, memo);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const AutogradMeta* meta = params[i].impl()->autograd.get();
      auto& names = out[i];
      if (leaves.count(meta) && std::find(names.begin(), names.end(), node->name) == names.end())
        names.emplace_back(node->name);
    }
  }
  return out;
}

std::string suspects(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  if (names.size() == 1) return "; the custom function on its path: " + names[0];
  return "; custom functions on its path: " + util::join(names);
}

}  // namespace descent::diagnostics
