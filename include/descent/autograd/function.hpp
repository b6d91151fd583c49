#pragma once
// Custom differentiable functions, as torch.autograd.Function: a user's own op or loss with a
// hand-written forward and backward, usable anywhere a built-in op is. This is how a hand-derived
// gradient gets into the graph, and so how gradcheck and the model checks can test it.
//
// A struct with two static functions, applied through Function<Self>::apply:
//
//   struct Square : Function<Square> {
//     static constexpr const char* name = "square";  // optional; names the op in messages
//     static Tensor forward(FunctionCtx& ctx, const Tensor& x) {
//       ctx.save_for_backward({x});
//       return x * x;
//     }
//     static std::vector<Tensor> backward(FunctionCtx& ctx, const Tensor& grad) {
//       const Tensor& x = ctx.saved_tensors()[0];
//       return {grad * x * 2.0};  // d/dx x^2 = 2x: one gradient per Tensor argument of forward
//     }
//   };
//   Tensor y = Square::apply(x);
//
// or two callables, forward(ctx, inputs) and backward(ctx, grad):
//
//   Tensor y = custom_function("square", {x}, forward, backward);
//
// forward runs under no-grad: what it computes is not recorded, and backward alone defines the
// gradient. Its Tensor arguments are the op's inputs; other arguments (numbers, options) are passed
// through and get no gradient. backward receives the gradient of the loss with respect to forward's
// result (the same shape) and returns, for each input in order, the gradient with respect to that
// input, shaped like it; it may return an undefined Tensor for an input that needs none
// (ctx.needs_input_grad(i) says which do). A wrong count, shape or dtype is an AutogradError naming
// the function.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "descent/autograd/grad_mode.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent {

// What forward hands to backward.
class FunctionCtx {
 public:
  FunctionCtx() = default;
  // needs_input_grad[i]: whether the i-th input requires a gradient.
  explicit FunctionCtx(std::vector<bool> needs_input_grad) : needs_input_grad_(std::move(needs_input_grad)) {}

  // Keeps tensors for backward. They are stored detached (sharing data), so a saved output does not
  // hold its own node alive; undefined tensors may be saved (an optional bias).
  void save_for_backward(const std::vector<Tensor>& tensors);
  const std::vector<Tensor>& saved_tensors() const { return saved_; }

  // Whether the i-th input (the i-th Tensor argument of forward) needs a gradient.
  bool needs_input_grad(std::size_t i) const { return i < needs_input_grad_.size() && needs_input_grad_[i]; }

  // Numbers backward needs (a size, an option), by name, as PyTorch's ctx.saved_data.
  std::map<std::string, double> saved_data;

 private:
  std::vector<Tensor> saved_;
  std::vector<bool> needs_input_grad_;
};

using FunctionForward = std::function<Tensor(FunctionCtx& ctx, const std::vector<Tensor>& inputs)>;
using FunctionBackward = std::function<std::vector<Tensor>(FunctionCtx& ctx, const Tensor& grad_output)>;

// Applies a custom function given as two callables. `name` names the op in messages and
// diagnostics and must outlive the graph (a string literal).
Tensor custom_function(const char* name, const std::vector<Tensor>& inputs, const FunctionForward& forward,
                       FunctionBackward backward);

struct Node;
// Whether `node` is a custom function's: the diagnostics name these when a gradient is wrong, since a
// hand-written backward is the first suspect.
bool is_custom_function(const Node& node);

namespace detail {
// The context for these inputs: which of them need gradients.
FunctionCtx make_function_ctx(const std::vector<Tensor>& inputs);
// Links forward's result `out` into the graph, with `backward` (checked on each call) as its node.
Tensor record_function(const char* name, const std::vector<Tensor>& inputs, Tensor out, FunctionCtx ctx,
                       FunctionBackward backward);
}  // namespace detail

// The base of a struct-defined function (see the top of this file); Self supplies static forward and
// backward, and optionally `static constexpr const char* name`.
template <class Self>
struct Function {
  template <class... Args>
  static Tensor apply(const Args&... args) {
    std::vector<Tensor> inputs;
    (collect_input(inputs, args), ...);
    FunctionCtx ctx = detail::make_function_ctx(inputs);
    Tensor out;
    {
      NoGradGuard no_grad;
      out = Self::forward(ctx, args...);
    }
    return detail::record_function(function_name(), inputs, std::move(out), std::move(ctx),
                                   [](FunctionCtx& c, const Tensor& g) { return Self::backward(c, g); });
  }

 private:
  template <class T>
  static void collect_input(std::vector<Tensor>& inputs, const T& arg) {
    if constexpr (std::is_same_v<T, Tensor>) inputs.push_back(arg);
  }
  static const char* function_name() {
    if constexpr (requires { Self::name; }) return Self::name;
    else return "custom function";
  }
};

}  // namespace descent
