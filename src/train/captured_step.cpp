// The plan of a captured step (see the header). Each kernel call below names the eager code it
// mirrors: a change there must be made here too, or the plan must stop capturing that case; the
// tests in tests/train/captured_step_test.cpp compare the two bit for bit on every example config.
#include "descent/train/captured_step.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <typeinfo>

#include "descent/autograd/anomaly.hpp"
#include "descent/autograd/grad_mode.hpp"
#include "descent/nn/activation.hpp"
#include "descent/nn/linear.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/activation.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/tensor/kernels/loss.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/tensor/kernels/softmax.hpp"

namespace descent::train {

using kernels::BinaryOp;
using kernels::UnaryOp;

enum class CapturedOp { Linear, Sigmoid, Tanh, Relu, LeakyRelu, Elu, Gelu };

// One module of the Sequential. `input_grad`: whether its input requires grad, as any_requires_grad
// finds it in the eager forward (false before the first Linear layer: the batch does not).
struct CapturedStep::Layer {
  CapturedOp op;
  Tensor weight, bias;  // Linear: the parameters themselves (bias undefined without one)
  double param = 0;     // LeakyReLU's negative_slope, ELU's alpha
  bool input_grad = false;
  Tensor out;                     // the forward output, (N, width)
  Tensor grad_input;              // d loss / d input, when input_grad
  Tensor grad_weight, grad_bias;  // Linear: handed to the parameters as their grads
};

enum class CapturedLoss { SquaredErrorSum, SoftmaxCrossEntropy };

struct CapturedStep::Loss {
  CapturedLoss kind;
  std::int64_t classes = 0;  // labels: one-hot width (squared error), or the logits' width
  bool labels = false;       // int64 class labels (one-hot for the squared error) rather than values
  double scale = 1;          // squared error: the cost's factor; cross-entropy: 1/N for the mean, else 1
  bool mean = false;         // cross-entropy: mean (else sum) over the batch
  Tensor one;                // the engine's root gradient, 0-d of the loss's dtype (run()'s root)
  double root = 1;           // what `one` holds
  Tensor value;              // the loss, 0-d
  Tensor grad;               // d loss / d output, (N, C)
  // squared error
  Tensor onehot, diff, sum;
  // cross-entropy
  Tensor log_probs, index, picked_col, neg_col, picked;  // index: the labels as (N, 1); picked: neg_col as (N)
  Tensor exp, gathered, minus_one_src, minus_one, weight;
};

namespace {

// The loss of `config` as a plan replays it, or null for a loss it does not. Options are read as the
// loss types read them (src/nn/losses/): an unreadable one means no plan.
std::unique_ptr<CapturedStep::Loss> captured_loss(const TrainConfig& config) {
  auto loss = std::make_unique<CapturedStep::Loss>();
  const std::string& name = config.loss.name;
  try {
    if (name == "quadratic") {
      loss->kind = CapturedLoss::SquaredErrorSum;
    } else if (name == "mse" || name == "cross_entropy") {
      const std::string reduction = config.loss.option("reduction");
      if (reduction != "mean" && reduction != "sum") return nullptr;
      loss->mean = reduction == "mean";
      if (name == "mse") {
        loss->kind = CapturedLoss::SquaredErrorSum;
      } else {
        // The hot path of nn::cross_entropy, one fused op; weights and smoothing build a graph of several.
        if (!config.loss.numbers("weight").empty() || config.loss.number("label_smoothing") != 0) return nullptr;
        loss->kind = CapturedLoss::SoftmaxCrossEntropy;
      }
    } else {
      return nullptr;
    }
  } catch (const std::exception&) {
    return nullptr;
  }
  return loss;
}

bool is_exactly(const nn::Module& m, const std::type_info& type) { return typeid(m) == type; }

}  // namespace

bool capture_wanted(const TrainConfig& config) {
  const char* env = std::getenv("DESCENT_CAPTURE");
  if (env && std::string_view(env) == "0") return false;
  return config.capture;
}

CapturedStep::~CapturedStep() = default;

std::unique_ptr<CapturedStep> CapturedStep::capture(nn::Module& model, const TrainConfig& config, const Tensor& inputs,
                                                    const Tensor& targets, const GradientPlace& place,
                                                    GradientWritten written) {
  // Exactly a Sequential: a subclass (the layer form's reshaping one, a Graph) forwards otherwise.
  if (!is_exactly(model, typeid(nn::Sequential))) return nullptr;
  auto& seq = static_cast<nn::Sequential&>(model);
  if (seq.size() == 0 || !inputs.defined() || inputs.dim() != 2 || !is_floating(inputs.dtype())) return nullptr;
  std::unique_ptr<CapturedStep> plan(new CapturedStep());
  plan->model_ = &seq;
  plan->batch_ = inputs.shape()[0];
  plan->written_ = std::move(written);
  plan->input_shape_ = inputs.shape();
  plan->dtype_ = inputs.dtype();
  if (plan->batch_ < 1 || inputs.requires_grad()) return nullptr;
  std::int64_t width = inputs.shape()[1];
  bool grad = false;
  std::vector<const TensorImpl*> seen;  // a parameter used twice accumulates: left to the engine
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const nn::Module& m = *seq[i];
    Layer layer;
    layer.input_grad = grad;
    if (is_exactly(m, typeid(nn::Linear))) {
      const auto& linear = static_cast<const nn::Linear&>(m);
      layer.op = CapturedOp::Linear;
      layer.weight = linear.weight();
      layer.bias = linear.bias();
      for (const Tensor* p : {&layer.weight, &layer.bias}) {
        if (!p->defined()) continue;
        if (!p->requires_grad() || p->dtype() != plan->dtype_ || !p->is_contiguous()) return nullptr;
        if (std::find(seen.begin(), seen.end(), p->impl()) != seen.end()) return nullptr;
        seen.push_back(p->impl());
      }
      if (layer.weight.dim() != 2 || layer.weight.shape()[1] != width) return nullptr;
      width = layer.weight.shape()[0];
      grad = true;
    } else if (is_exactly(m, typeid(nn::Sigmoid))) {
      layer.op = CapturedOp::Sigmoid;
    } else if (is_exactly(m, typeid(nn::Tanh))) {
      layer.op = CapturedOp::Tanh;
    } else if (is_exactly(m, typeid(nn::ReLU))) {
      layer.op = CapturedOp::Relu;
    } else if (is_exactly(m, typeid(nn::LeakyReLU))) {
      layer.op = CapturedOp::LeakyRelu;
      layer.param = static_cast<const nn::LeakyReLU&>(m).negative_slope();
    } else if (is_exactly(m, typeid(nn::ELU))) {
      layer.op = CapturedOp::Elu;
      layer.param = static_cast<const nn::ELU&>(m).alpha();
    } else if (is_exactly(m, typeid(nn::GELU))) {
      layer.op = CapturedOp::Gelu;
    } else {
      return nullptr;
    }
    const Shape shape{plan->batch_, width};
    layer.out = Tensor::empty(shape, plan->dtype_);
    if (layer.input_grad) {
      const std::int64_t in_width = plan->layers_.empty() ? inputs.shape()[1] : plan->layers_.back().out.shape()[1];
      layer.grad_input = Tensor::empty(Shape{plan->batch_, in_width}, plan->dtype_);
    }
    if (layer.op == CapturedOp::Linear) {
      auto gradient_of = [&](const Tensor& p) {
        Tensor g = place ? place(p) : Tensor();
        if (g.defined() && g.shape() == p.shape() && g.dtype() == p.dtype() && g.is_contiguous()) return g;
        return Tensor::empty(p.shape(), plan->dtype_);
      };
      layer.grad_weight = gradient_of(layer.weight);
      if (layer.bias.defined()) layer.grad_bias = gradient_of(layer.bias);
    }
    plan->layers_.push_back(std::move(layer));
  }
  if (!grad) return nullptr;  // no parameter: the eager backward reports it

  std::unique_ptr<Loss> loss = captured_loss(config);
  if (!loss) return nullptr;
  const std::int64_t n = plan->batch_;
  const Dtype dtype = plan->dtype_;
  if (!targets.defined()) return nullptr;
  plan->target_shape_ = targets.shape();
  plan->target_dtype_ = targets.dtype();
  loss->labels = targets.dtype() == Dtype::Int64;
  loss->one = ones(Shape{}, dtype);
  loss->value = Tensor::empty(Shape{}, dtype);
  loss->grad = Tensor::empty(Shape{n, width}, dtype);
  if (loss->kind == CapturedLoss::SquaredErrorSum) {
    // against_values (src/nn/losses/loss_options.hpp): labels as one-hot rows, values as they are.
    if (loss->labels) {
      if (!(targets.shape() == Shape{n}) || config.data.classes != width) return nullptr;
      loss->classes = config.data.classes;
      loss->onehot = Tensor::empty(Shape{n, width}, dtype);
    } else if (!(targets.shape() == Shape{n, width}) || targets.dtype() != dtype) {
      return nullptr;
    }
    // quadratic_cost and mse_loss (src/nn/losses/mse_loss.cpp)
    if (config.loss.name == "quadratic") loss->scale = 0.5 / static_cast<double>(std::max<std::int64_t>(n, 1));
    else loss->scale = loss->mean ? 1.0 / static_cast<double>(std::max<std::int64_t>(n * width, 1)) : 1.0;
    loss->diff = Tensor::empty(Shape{n, width}, dtype);
    loss->sum = Tensor::empty(Shape{}, dtype);
  } else {
    if (!loss->labels || !(targets.shape() == Shape{n})) return nullptr;
    loss->classes = width;
    loss->scale = loss->mean ? 1.0 / static_cast<double>(std::max<std::int64_t>(n, 1)) : 1.0;
    loss->log_probs = Tensor::empty(Shape{n, width}, dtype);
    loss->picked_col = Tensor::empty(Shape{n, 1}, dtype);
    loss->neg_col = Tensor::empty(Shape{n, 1}, dtype);
    loss->picked = loss->neg_col.view_as_shape(Shape{n});
    loss->exp = Tensor::empty(Shape{n, width}, dtype);
    loss->gathered = Tensor::empty(Shape{n, 1}, dtype);
    loss->minus_one_src = Tensor::empty(Shape{n, 1}, dtype);
    loss->minus_one = Tensor::empty(Shape{n, width}, dtype);
    loss->weight = Tensor::empty(Shape{}, dtype);
  }
  plan->loss_ = std::move(loss);
  return plan;
}

bool CapturedStep::fits(const Tensor& inputs, const Tensor& targets) const {
  if (!inputs.defined() || !targets.defined() || inputs.dtype() != dtype_ || !(inputs.shape() == input_shape_) ||
      targets.dtype() != target_dtype_ || !(targets.shape() == target_shape_) || inputs.requires_grad())
    return false;
  if (!model_->is_training() || model_->has_forward_hook() || !is_grad_enabled() || is_anomaly_enabled()) return false;
  // Module::to converts the parameters in place: the plan's buffers hold the dtype they had.
  for (const Layer& layer : layers_)
    if (layer.op == CapturedOp::Linear &&
        (!layer.weight.requires_grad() || layer.weight.dtype() != dtype_ ||
         (layer.bias.defined() && (!layer.bias.requires_grad() || layer.bias.dtype() != dtype_))))
      return false;
  if (loss_->labels && kernels::find_outside(targets, 0.0, static_cast<double>(loss_->classes - 1)) >= 0) return false;
  return true;
}

double CapturedStep::run(const Tensor& inputs, const Tensor& targets, const std::function<void(double)>& check,
                         Tensor& output, double root, optim::Optimizer* fuse) {
  forward(inputs);
  output = layers_.back().out;
  const double value = loss_forward(targets);
  check(value);
  if (root != loss_->root) {  // as full(Shape{}, root, dtype) makes the eager root gradient
    fill_(loss_->one, root);
    loss_->root = root;
  }
  loss_backward();
  backward(inputs, fuse);
  ++steps_;
  return value;
}

// Sequential::forward: each module's forward op (src/autograd/ops/linalg.cpp, activation.cpp).
// A Linear followed by a ReLU runs as one kernel (linear_relu: the same bits as the two).
void CapturedStep::forward(const Tensor& inputs) {
  const Tensor* x = &inputs;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    Layer& layer = layers_[i];
    if (layer.op == CapturedOp::Linear && i + 1 < layers_.size() && layers_[i + 1].op == CapturedOp::Relu) {
      Layer& relu = layers_[++i];
      kernels::linear_relu(*x, layer.weight, layer.bias, layer.out, relu.out);
      x = &relu.out;
      continue;
    }
    switch (layer.op) {
      case CapturedOp::Linear: kernels::linear(*x, layer.weight, layer.bias, layer.out); break;
      case CapturedOp::Sigmoid: kernels::unary(UnaryOp::Sigmoid, *x, layer.out); break;
      case CapturedOp::Tanh: kernels::unary(UnaryOp::Tanh, *x, layer.out); break;
      case CapturedOp::Relu: kernels::unary(UnaryOp::Relu, *x, layer.out); break;
      case CapturedOp::LeakyRelu: kernels::leaky_relu(*x, layer.param, layer.out); break;
      case CapturedOp::Elu: kernels::elu(*x, layer.param, layer.out); break;
      case CapturedOp::Gelu: kernels::gelu(*x, layer.out); break;
    }
    x = &layer.out;
  }
}

// The loss's forward, as its op computes it (src/autograd/ops/loss.cpp).
double CapturedStep::loss_forward(const Tensor& targets) {
  Loss& l = *loss_;
  const Tensor& out = layers_.back().out;
  if (l.kind == CapturedLoss::SquaredErrorSum) {
    // squared_error_sum(input, target, scale), its target from against_values
    const Tensor& target = l.labels ? kernels::one_hot(targets, l.classes, out.dtype(), l.onehot) : targets;
    kernels::affine(kernels::squared_difference_sum(out, target, l.diff, l.sum), l.scale, 0.0, l.value);
  } else {
    // softmax_cross_entropy(logits, target, reduction)
    kernels::log_softmax(out, 1, l.log_probs);
    l.index = kernels::contiguous(targets).view_as_shape(Shape{batch_, 1});
    kernels::unary(UnaryOp::Neg, kernels::gather(l.log_probs, 1, l.index, l.picked_col), l.neg_col);
    if (l.mean) kernels::mean(l.picked, l.value);
    else kernels::sum(l.picked, l.value);
  }
  return l.value.item();
}

// The loss node's backward with the engine's root gradient, l.one: into l.grad.
void CapturedStep::loss_backward() {
  Loss& l = *loss_;
  if (l.kind == CapturedLoss::SquaredErrorSum) {
    // d/dx scale sum (x - y)^2 = 2 scale (x - y)
    kernels::affine(l.diff, 2.0 * l.scale * l.one.item(), 0.0, l.grad);
    return;
  }
  // dl_i/dx_ij = softmax(x_i)_j - [j = y_i], times the root gradient's scale
  kernels::unary(UnaryOp::Exp, l.log_probs, l.exp);
  kernels::scatter_add(l.exp.shape(), 1, l.index,
                       kernels::affine(kernels::gather(l.exp, 1, l.index, l.gathered), 0.0, -1.0, l.minus_one_src),
                       l.minus_one);
  kernels::add_(l.exp, l.minus_one);
  kernels::affine(l.one, l.scale, 0.0, l.weight);
  kernels::binary(BinaryOp::Mul, l.exp, l.weight, l.grad);
}

// The engine's walk back through the chain: each layer's backward, the gradient of its input passed
// on as the next one's incoming gradient, the parameters' gradients handed to them as the engine's
// accumulate_leaf does with a first gradient (taken as it is).
// With `fuse`, a weight's plain SGD update is made in its gradient's product instead (see run()): its
// last reader, dX = dY W, is done by then.
void CapturedStep::backward(const Tensor& inputs, optim::Optimizer* fuse) {
  const Tensor* g = &loss_->grad;
  for (std::size_t k = layers_.size(); k-- > 0;) {
    Layer& layer = layers_[k];
    const Tensor& x = k == 0 ? inputs : layers_[k - 1].out;
    switch (layer.op) {
      case CapturedOp::Linear: {
        // Y = X W^T + b:  dX = dY W,  dW = dY^T X,  db = sum_rows dY
        if (layer.input_grad) kernels::gemm(*g, false, layer.weight, false, layer.grad_input, 1, 0);
        // (a gradient there already, as zero_grad(false) leaves one, would be stepped again: not fused)
        const bool fusable = fuse && !layer.weight.grad().defined();
        if (const std::optional<double> rate = fusable ? fuse->plain_rate(layer.weight) : std::nullopt) {
          kernels::gemm_update_(*g, true, x, false, layer.weight, *rate, layer.grad_weight);
          fuse->stepped(layer.weight);
        } else {
          kernels::gemm(*g, true, x, false, layer.grad_weight, 1, 0);
          layer.weight.set_grad(layer.grad_weight);
          if (written_) written_(layer.weight);
        }
        if (layer.bias.defined()) {
          kernels::sum_rows(*g, layer.grad_bias);
          layer.bias.set_grad(layer.grad_bias);
          if (written_) written_(layer.bias);
        }
        break;
      }
      case CapturedOp::Sigmoid:
        if (layer.input_grad) kernels::sigmoid_backward(*g, layer.out, layer.grad_input);
        break;
      case CapturedOp::Tanh:
        if (layer.input_grad) kernels::tanh_backward(*g, layer.out, layer.grad_input);
        break;
      case CapturedOp::Relu:
        // From the output: relu(x) > 0 exactly where x > 0 (a fused forward leaves x unwritten).
        if (layer.input_grad) kernels::relu_backward(*g, layer.out, layer.grad_input);
        break;
      case CapturedOp::LeakyRelu:
        if (layer.input_grad) kernels::leaky_relu_backward(*g, x, layer.param, layer.grad_input);
        break;
      case CapturedOp::Elu:
        if (layer.input_grad) kernels::elu_backward(*g, x, layer.param, layer.grad_input);
        break;
      case CapturedOp::Gelu:
        if (layer.input_grad) kernels::gelu_backward(*g, x, layer.grad_input);
        break;
    }
    if (!layer.input_grad) break;  // nothing before it requires grad: the engine's walk ends here
    g = &layer.grad_input;
  }
}

}  // namespace descent::train
