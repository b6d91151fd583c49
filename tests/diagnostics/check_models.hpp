#pragma once
// Models for the model-level check tests: a small MLP on a seeded batch, and the same MLP with its
// hidden activation (or its loss) a custom function whose backward is right or wrong in a known way.
#include <memory>

#include "descent/descent.hpp"

namespace descent::diagnostics::testing {

enum class Backward { Right, Doubled, Zero, SignFlipped, HalfPercentOff };

inline double factor(Backward b) {
  switch (b) {
    case Backward::Right: return 1.0;
    case Backward::Doubled: return 2.0;
    case Backward::Zero: return 0.0;
    case Backward::SignFlipped: return -1.0;
    case Backward::HalfPercentOff: return 1.005;
  }
  return 1.0;
}

// tanh with a hand-written backward, (1 - t^2) g times factor(kind).
inline Tensor custom_tanh(const Tensor& x, Backward kind) {
  return custom_function(
      "custom_tanh", {x},
      [](FunctionCtx& ctx, const std::vector<Tensor>& in) {
        Tensor t = tanh(in[0]);
        ctx.save_for_backward({t});
        return t;
      },
      [f = factor(kind)](FunctionCtx& ctx, const Tensor& g) {
        const Tensor& t = ctx.saved_tensors()[0];
        return std::vector<Tensor>{g * (1.0 - t * t) * f};  // d/dx tanh x = 1 - tanh^2 x
      });
}

class CustomTanh : public nn::Module {
 public:
  explicit CustomTanh(Backward kind) : kind_(kind) {}
  Tensor forward(const Tensor& x) override { return custom_tanh(x, kind_); }
  std::string describe() const override { return "CustomTanh()"; }

 private:
  Backward kind_;
};

// Linear(5, 8) -> CustomTanh -> Linear(8, 3): a wrong activation backward reaches 0.* only.
inline std::shared_ptr<nn::Sequential> mlp(Backward hidden = Backward::Right, std::uint64_t seed = 3) {
  Generator gen(seed);
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(5, 8, nn::LinearOptions{.generator = &gen}), std::make_shared<CustomTanh>(hidden),
      std::make_shared<nn::Linear>(8, 3, nn::LinearOptions{.generator = &gen})});
}

struct TestBatch {
  Tensor inputs;   // (16, 5) float32
  Tensor targets;  // (16) int64 in [0, 3)
};

inline TestBatch batch() {
  Generator gen(11);
  std::vector<std::int64_t> labels;
  for (int i = 0; i < 16; ++i) labels.push_back(static_cast<std::int64_t>(gen.below(3)));
  return {randn({16, 5}, Dtype::Float32, &gen), from_vector(labels, {16})};
}

// Cross-entropy whose backward (softmax - onehot) / N is scaled by factor(kind): a wrong loss reaches
// every parameter.
inline LossFn custom_cross_entropy(Backward kind) {
  return [kind](const Tensor& logits, const Tensor& labels) {
    return custom_function(
        "custom_cross_entropy", {logits},
        [labels](FunctionCtx& ctx, const std::vector<Tensor>& in) {
          ctx.save_for_backward({softmax(in[0], 1), kernels::one_hot(labels, in[0].size(1), in[0].dtype())});
          return nn::cross_entropy(in[0], labels);
        },
        [f = factor(kind)](FunctionCtx& ctx, const Tensor& g) {
          const auto& s = ctx.saved_tensors();
          const double n = static_cast<double>(s[0].size(0));
          return std::vector<Tensor>{(s[0] - s[1]) * (g.item() * f / n)};  // d/dx = (softmax - onehot) / N
        });
  };
}

inline LossFn cross_entropy_loss() { return nn::CrossEntropyLoss{}; }

inline OptimizerFactory sgd(double lr, bool maximize = false) {
  return [lr, maximize](const optim::NamedParameters& p) {
    return std::make_unique<optim::SGD>(p, optim::SGDOptions{.lr = lr, .maximize = maximize});
  };
}

}  // namespace descent::diagnostics::testing
