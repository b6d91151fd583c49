// Custom differentiable functions: both spellings, checked against central differences, composed
// with built-in ops, and the errors a wrong backward gets.
#include "descent/autograd/function.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent {
namespace {

struct Square : Function<Square> {
  static constexpr const char* name = "square";
  static Tensor forward(FunctionCtx& ctx, const Tensor& x) {
    ctx.save_for_backward({x});
    return x * x;
  }
  static std::vector<Tensor> backward(FunctionCtx& ctx, const Tensor& grad) {
    return {grad * ctx.saved_tensors()[0] * 2.0};  // d/dx x^2 = 2x
  }
};

// x * s for a number s, passed to forward and kept in saved_data.
struct Scale : Function<Scale> {
  static Tensor forward(FunctionCtx& ctx, const Tensor& x, double s) {
    ctx.saved_data["s"] = s;
    return x * s;
  }
  static std::vector<Tensor> backward(FunctionCtx& ctx, const Tensor& grad) { return {grad * ctx.saved_data.at("s")}; }
};

// Saves its output (sigmoid), as many hand-written activations do.
struct MySigmoid : Function<MySigmoid> {
  static constexpr const char* name = "my_sigmoid";
  static Tensor forward(FunctionCtx& ctx, const Tensor& x) {
    Tensor s = sigmoid(x);
    ctx.save_for_backward({s});
    return s;
  }
  static std::vector<Tensor> backward(FunctionCtx& ctx, const Tensor& grad) {
    const Tensor& s = ctx.saved_tensors()[0];
    return {grad * s * (1.0 - s)};  // d/dx s = s(1 - s)
  }
};

struct Identity : Function<Identity> {
  static Tensor forward(FunctionCtx&, const Tensor& x) { return x; }
  static std::vector<Tensor> backward(FunctionCtx&, const Tensor& grad) { return {grad}; }
};

// x * y by two callables; backward returns only what is needed.
Tensor product(const Tensor& x, const Tensor& y) {
  return custom_function(
      "product", {x, y},
      [](FunctionCtx& ctx, const std::vector<Tensor>& in) {
        ctx.save_for_backward(in);
        return in[0] * in[1];
      },
      [](FunctionCtx& ctx, const Tensor& grad) {
        const auto& s = ctx.saved_tensors();
        return std::vector<Tensor>{ctx.needs_input_grad(0) ? grad * s[1] : Tensor(),
                                   ctx.needs_input_grad(1) ? grad * s[0] : Tensor()};
      });
}

Tensor values() { return tensor({0.5, -1.25, 2.0, 0.75}, Dtype::Float64); }

TEST(Function, StructForwardAndBackward) {
  Tensor x = values().requires_grad_(true);
  Tensor y = Square::apply(x);
  EXPECT_EQ(y.to_vector(), (std::vector<double>{0.25, 1.5625, 4.0, 0.5625}));
  y.sum().backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{1.0, -2.5, 4.0, 1.5}));
}

TEST(Function, StructPassesGradcheck) {
  for (auto f : {+[](const std::vector<Tensor>& x) { return Square::apply(x[0]); },
                 +[](const std::vector<Tensor>& x) { return Scale::apply(x[0], -3.0); },
                 +[](const std::vector<Tensor>& x) { return MySigmoid::apply(x[0]); }}) {
    const auto r = gradcheck(f, {values()});
    EXPECT_TRUE(r.passed) << r.report();
  }
}

TEST(Function, CallablesPassGradcheckForEveryInput) {
  const auto r = gradcheck([](const std::vector<Tensor>& x) { return product(x[0], x[1]); },
                           {values(), tensor({1.0, -2.0, 3.0, 0.5}, Dtype::Float64)});
  EXPECT_TRUE(r.passed) << r.report();
  ASSERT_EQ(r.inputs.size(), 2u);
}

TEST(Function, ComposesWithBuiltInOps) {
  // sum(my_sigmoid(x W^T + b) * 2): the custom op sits between built-ins on both sides
  const auto r = gradcheck(
      [](const std::vector<Tensor>& in) { return (MySigmoid::apply(linear(in[0], in[1], in[2])) * 2.0).sum(); },
      {from_vector({0.1, -0.4, 0.7, 0.2, 0.5, -0.3}, {2, 3}, Dtype::Float64),
       from_vector({0.3, -0.2, 0.8, -0.6, 0.1, 0.4}, {2, 3}, Dtype::Float64), tensor({0.05, -0.1}, Dtype::Float64)});
  EXPECT_TRUE(r.passed) << r.report();
}

TEST(Function, OnlyNeededInputsGetGradients) {
  Tensor x = values().requires_grad_(true);
  const Tensor y = tensor({1.0, 2.0, 3.0, 4.0}, Dtype::Float64);
  product(x, y).sum().backward();
  EXPECT_EQ(x.grad().to_vector(), y.to_vector());
  EXPECT_FALSE(y.grad().defined());
}

TEST(Function, ForwardRunsWithoutRecording) {
  bool recorded = true;
  Tensor x = values().requires_grad_(true);
  custom_function(
      "probe", {x},
      [&](FunctionCtx&, const std::vector<Tensor>& in) {
        recorded = is_grad_enabled() || (in[0] * in[0]).requires_grad();
        return in[0] * 1.0;
      },
      [](FunctionCtx&, const Tensor& g) { return std::vector<Tensor>{g}; });
  EXPECT_FALSE(recorded);
  EXPECT_TRUE(is_grad_enabled());
}

TEST(Function, NoGraphWhenNoInputRequiresGrad) {
  bool called = false;
  const Tensor y = custom_function(
      "untracked", {values()}, [](FunctionCtx&, const std::vector<Tensor>& in) { return in[0] * 2.0; },
      [&](FunctionCtx&, const Tensor& g) {
        called = true;
        return std::vector<Tensor>{g};
      });
  EXPECT_FALSE(y.requires_grad());
  EXPECT_FALSE(called);
}

TEST(Function, ReturningAnInputLeavesTheInputALeaf) {
  Tensor x = values().requires_grad_(true);
  Tensor y = Identity::apply(x);
  EXPECT_TRUE(x.is_leaf());
  EXPECT_FALSE(y.is_leaf());
  (y * 3.0).sum().backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{3, 3, 3, 3}));
}

TEST(Function, WrongGradientCountNamesTheFunction) {
  Tensor x = values().requires_grad_(true);
  Tensor y = custom_function(
      "too_many", {x}, [](FunctionCtx&, const std::vector<Tensor>& in) { return in[0] * 1.0; },
      [](FunctionCtx&, const Tensor& g) {
        return std::vector<Tensor>{g, g};
      });
  try {
    y.sum().backward();
    FAIL() << "expected an AutogradError";
  } catch (const AutogradError& e) {
    EXPECT_NE(std::string(e.what()).find("custom function 'too_many': backward returned 2 gradient(s) for 1 input(s)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Function, WrongGradientShapeNamesTheFunction) {
  Tensor x = values().requires_grad_(true);
  Tensor y = custom_function(
      "bad_shape", {x}, [](FunctionCtx&, const std::vector<Tensor>& in) { return in[0].sum(); },
      [](FunctionCtx&, const Tensor& g) { return std::vector<Tensor>{g}; });  // (), not (4)
  try {
    y.backward();
    FAIL() << "expected an AutogradError";
  } catch (const AutogradError& e) {
    EXPECT_NE(
        std::string(e.what()).find("custom function 'bad_shape': backward returned a gradient of shape [] for input 0, "
                                   "which has shape [4]"),
        std::string::npos)
        << e.what();
  }
}

// The gradient check tells a wrong hand-written backward from a right one.
TEST(Function, GradcheckCatchesAWrongBackward) {
  auto with_factor = [](double factor) {
    return [factor](const std::vector<Tensor>& in) {
      return custom_function(
          "square", {in[0]},
          [](FunctionCtx& ctx, const std::vector<Tensor>& x) {
            ctx.save_for_backward(x);
            return x[0] * x[0];
          },
          [factor](FunctionCtx& ctx, const Tensor& g) {
            return std::vector<Tensor>{g * ctx.saved_tensors()[0] * (2.0 * factor)};
          });
    };
  };
  EXPECT_TRUE(gradcheck(with_factor(1.0), {values()}).passed);
  EXPECT_FALSE(gradcheck(with_factor(2.0), {values()}).passed);
  EXPECT_FALSE(gradcheck(with_factor(0.0), {values()}).passed);
  EXPECT_FALSE(gradcheck(with_factor(-1.0), {values()}).passed);
}

}  // namespace
}  // namespace descent
