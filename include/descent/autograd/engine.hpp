#pragma once
// The backward engine: a topological sort of the graph below a root and one reverse pass over it.
// Broadcast gradients are summed back to each input's shape here, in one place, so no op's backward
// has to. After the pass the graph is released (closures and the tensors they hold are freed)
// unless retain_graph is set; a second backward through a released graph is an AutogradError.
#include "descent/tensor/tensor.hpp"

namespace descent {

void run_backward(const Tensor& root, const Tensor& gradient, bool retain_graph);

}  // namespace descent
