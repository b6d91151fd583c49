#include "descent/autograd/function.hpp"

#include "descent/autograd/node.hpp"
#include "descent/error.hpp"

namespace descent {
namespace {

// The node of one application: the user's backward, and what it takes to check its answer.
struct FunctionBackwardCall {
  const char* name;
  FunctionCtx ctx;
  FunctionBackward backward;
  std::vector<Shape> input_shapes;
  std::vector<Dtype> input_dtypes;

  std::vector<Tensor> operator()(const Tensor& grad_output) {
    std::vector<Tensor> grads = backward(ctx, grad_output);
    const std::string what = std::string("custom function '") + name + "': backward";
    if (grads.size() != input_shapes.size())
      throw AutogradError(
          what + " returned " + std::to_string(grads.size()) + " gradient(s) for " +
          std::to_string(input_shapes.size()) +
          " input(s); return one per Tensor input of forward, an undefined Tensor where none is needed");
    for (std::size_t i = 0; i < grads.size(); ++i) {
      if (!grads[i].defined() || !ctx.needs_input_grad(i)) continue;
      if (!(grads[i].shape() == input_shapes[i]))
        throw AutogradError(what + " returned a gradient of shape " + to_string(grads[i].shape()) + " for input " +
                            std::to_string(i) + ", which has shape " + to_string(input_shapes[i]));
      if (grads[i].dtype() != input_dtypes[i])
        throw AutogradError(what + " returned a " + std::string(to_string(grads[i].dtype())) + " gradient for input " +
                            std::to_string(i) + ", which is " + std::string(to_string(input_dtypes[i])));
    }
    return grads;
  }
};

}  // namespace

bool is_custom_function(const Node& node) {
  return dynamic_cast<const ClosureNode<FunctionBackwardCall>*>(&node) != nullptr;
}

void FunctionCtx::save_for_backward(const std::vector<Tensor>& tensors) {
  saved_.clear();
  for (const Tensor& t : tensors) saved_.push_back(t.defined() ? t.detach() : Tensor());
}

namespace detail {

FunctionCtx make_function_ctx(const std::vector<Tensor>& inputs) {
  std::vector<bool> needs;
  const bool enabled = is_grad_enabled();
  for (const Tensor& t : inputs) needs.push_back(enabled && t.defined() && t.requires_grad());
  return FunctionCtx(std::move(needs));
}

Tensor record_function(const char* name, const std::vector<Tensor>& inputs, Tensor out, FunctionCtx ctx,
                       FunctionBackward backward) {
  if (!out.defined())
    throw AutogradError(std::string("custom function '") + name + "': forward returned an undefined tensor");
  // A fresh handle: forward may return one of its inputs, whose own place in the graph must stay.
  out = out.detach();
  std::vector<const Tensor*> pointers;
  for (const Tensor& t : inputs) pointers.push_back(&t);
  if (!any_requires_grad(pointers)) return out;
  FunctionBackwardCall call{name, std::move(ctx), std::move(backward), {}, {}};
  for (const Tensor& t : inputs) {
    call.input_shapes.push_back(t.defined() ? t.shape() : Shape());
    call.input_dtypes.push_back(t.defined() ? t.dtype() : Dtype::Float32);
  }
  return attach(std::move(out), name, pointers, make_pooled<ClosureNode<FunctionBackwardCall>>(std::move(call)));
}

}  // namespace detail

Tensor custom_function(const char* name, const std::vector<Tensor>& inputs, const FunctionForward& forward,
                       FunctionBackward backward) {
  FunctionCtx ctx = detail::make_function_ctx(inputs);
  Tensor out;
  {
    NoGradGuard no_grad;
    out = forward(ctx, inputs);
  }
  return detail::record_function(name, inputs, std::move(out), std::move(ctx), std::move(backward));
}

}  // namespace descent
