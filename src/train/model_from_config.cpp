#include "descent/train/model_from_config.hpp"

#include "descent/autograd/ops/activation.hpp"
#include "descent/autograd/ops/shape.hpp"
#include "descent/error.hpp"
#include "descent/nn/activation.hpp"
#include "descent/nn/batch_norm.hpp"
#include "descent/nn/conv2d.hpp"
#include "descent/nn/dropout.hpp"
#include "descent/nn/flatten.hpp"
#include "descent/nn/identity.hpp"
#include "descent/nn/init.hpp"
#include "descent/nn/layer_norm.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/nn/pooling.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/indexing.hpp"

#include <algorithm>

namespace descent::train {
namespace {

class SoftmaxLayer : public nn::Module {
 public:
  Tensor forward(const Tensor& x) override { return softmax(x, -1); }
  std::string describe() const override { return "Softmax(dim=-1)"; }
};

std::shared_ptr<nn::Module> activation(const std::string& name) {
  if (name == "sigmoid") return std::make_shared<nn::Sigmoid>();
  if (name == "tanh") return std::make_shared<nn::Tanh>();
  if (name == "relu") return std::make_shared<nn::ReLU>();
  if (name == "softmax") return std::make_shared<SoftmaxLayer>();
  if (name == "none") return nullptr;
  throw ConfigError("unknown activation \"" + name + "\"");
}

void initialise(nn::Linear& layer, const std::string& init, const std::string& nonlinearity, Generator& gen) {
  const Tensor& w = layer.weight();
  const Tensor& b = layer.bias();
  if (init == "default") return;  // the Linear constructor already drew PyTorch's default from gen
  if (init == "nielsen") {        // Nielsen's network.py: weights and biases from N(0, 1)
    nn::init::normal_(w, 0.0, 1.0, &gen);
    if (b.defined()) nn::init::normal_(b, 0.0, 1.0, &gen);
    return;
  }
  const std::string nl = nonlinearity == "none" || nonlinearity == "softmax" ? "linear" : nonlinearity;
  if (init == "xavier_uniform") nn::init::xavier_uniform_(w, nn::init::calculate_gain(nl), &gen);
  else if (init == "xavier_normal") nn::init::xavier_normal_(w, nn::init::calculate_gain(nl), &gen);
  else if (init == "kaiming_uniform") nn::init::kaiming_uniform_(w, 0.0, nn::init::FanMode::FanIn, nl == "relu" ? "relu" : "linear", &gen);
  else if (init == "kaiming_normal") nn::init::kaiming_normal_(w, 0.0, nn::init::FanMode::FanIn, nl == "relu" ? "relu" : "linear", &gen);
  else throw ConfigError("unknown init \"" + init + "\"");
  if (b.defined()) nn::init::zeros_(b);
}

// The layer form's model: views each flat example as model.input_shape, then runs the layers. Being a
// Sequential itself, its parameters keep the layer indices of the config ("0.weight" is layer[0]'s).
class ShapedSequential : public nn::Sequential {
 public:
  explicit ShapedSequential(const std::vector<std::int64_t>& input_shape) : input_shape_(input_shape) {}
  Tensor forward(const Tensor& input) override {
    Shape shape{input.shape()[0]};  // (N, 784) -> (N, 1, 28, 28)
    for (std::int64_t d : input_shape_) shape.push_back(d);
    return nn::Sequential::forward(reshape(input, shape));
  }

 private:
  std::vector<std::int64_t> input_shape_;
};

// One [[model.layer]], its in_channels / in_features / num_features taken from its in_shape.
std::shared_ptr<nn::Module> make_layer(const LayerConfig& l, Dtype dtype, Generator& gen) {
  const std::string& t = l.type;
  if (t == "conv2d")
    return std::make_shared<nn::Conv2d>(l.in_shape[0], l.out_channels, l.kernel_size,
                                        nn::Conv2dOptions{.stride = l.stride.h ? l.stride : Size2(1), .padding = l.padding,
                                                          .dilation = l.dilation, .bias = l.bias, .dtype = dtype,
                                                          .generator = &gen});
  if (t == "max_pool2d")
    return std::make_shared<nn::MaxPool2d>(l.kernel_size, nn::MaxPool2dOptions{.stride = l.stride, .padding = l.padding,
                                                                               .dilation = l.dilation});
  if (t == "avg_pool2d")
    return std::make_shared<nn::AvgPool2d>(l.kernel_size, nn::AvgPool2dOptions{.stride = l.stride, .padding = l.padding,
                                                                               .count_include_pad = l.count_include_pad});
  if (t == "linear")
    return std::make_shared<nn::Linear>(l.in_shape[0], l.out_features,
                                        nn::LinearOptions{.bias = l.bias, .dtype = dtype, .generator = &gen});
  if (t == "flatten") return std::make_shared<nn::Flatten>(l.start_dim, l.end_dim);
  if (t == "dropout") return std::make_shared<nn::Dropout>(l.p);
  const nn::BatchNormOptions bn{.eps = l.eps, .momentum = l.momentum, .affine = l.affine,
                                .track_running_stats = l.track_running_stats, .dtype = dtype};
  if (t == "batch_norm1d") return std::make_shared<nn::BatchNorm1d>(l.in_shape[0], bn);
  if (t == "batch_norm2d") return std::make_shared<nn::BatchNorm2d>(l.in_shape[0], bn);
  if (t == "layer_norm")
    return std::make_shared<nn::LayerNorm>(Shape(l.in_shape.begin(), l.in_shape.end()),
                                           nn::LayerNormOptions{.eps = l.eps, .elementwise_affine = l.elementwise_affine,
                                                                .dtype = dtype});
  if (t == "relu") return std::make_shared<nn::ReLU>();
  if (t == "sigmoid") return std::make_shared<nn::Sigmoid>();
  if (t == "tanh") return std::make_shared<nn::Tanh>();
  if (t == "gelu") return std::make_shared<nn::GELU>();
  if (t == "identity") return std::make_shared<nn::Identity>();
  if (t == "leaky_relu") return std::make_shared<nn::LeakyReLU>(l.negative_slope);
  if (t == "elu") return std::make_shared<nn::ELU>(l.alpha);
  if (t == "softplus") return std::make_shared<nn::Softplus>(l.beta, l.threshold);
  if (t == "softmax") return std::make_shared<nn::Softmax>(l.dim);
  if (t == "log_softmax") return std::make_shared<nn::LogSoftmax>(l.dim);
  throw ConfigError("unknown layer type \"" + t + "\"");
}

}  // namespace

std::shared_ptr<nn::Sequential> build_model(const TrainConfig& config, Generator& gen) {
  const auto& m = config.model;
  auto model = m.layer.empty() ? std::make_shared<nn::Sequential>() : std::make_shared<ShapedSequential>(m.input_shape);
  for (const LayerConfig& l : m.layer) model->push_back(make_layer(l, config.dtype, gen));
  for (std::size_t i = 0; i + 1 < m.layers.size(); ++i) {
    const bool last = i + 2 == m.layers.size();
    const std::string& act = last ? m.output_activation : m.activation;
    auto layer = std::make_shared<nn::Linear>(m.layers[i], m.layers[i + 1],
                                              nn::LinearOptions{.bias = m.bias, .dtype = config.dtype, .generator = &gen});
    initialise(*layer, m.init, act, gen);
    model->push_back(layer);
    if (auto a = activation(act)) model->push_back(a);
  }
  // [model.weights] replace the initial values they name.
  const auto params = model->named_parameters();
  for (const auto& [name, values] : m.weights) {
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
    if (it == params.end()) {
      std::string known;
      for (const auto& p : params) known += (known.empty() ? "" : ", ") + p.first;
      throw ConfigError(config.path + ": model.weights." + name + ": no such parameter (the model has " + known + ")");
    }
    if (static_cast<std::int64_t>(values.size()) != it->second.numel())
      throw ConfigError(config.path + ": model.weights." + name + ": " + std::to_string(values.size()) +
                        " values, expected " + std::to_string(it->second.numel()) + " for shape " +
                        to_string(it->second.shape()));
    kernels::copy_(it->second, from_vector(values, it->second.shape(), Dtype::Float64));
  }
  return model;
}

std::shared_ptr<nn::Module> build_network(const TrainConfig& config, Generator& gen) {
  std::shared_ptr<nn::Module> tower = build_model(config, gen);
  if (!siamese_score(config)) return tower;
  return std::make_shared<nn::Siamese>(std::move(tower));
}

std::optional<nn::PairScore> siamese_score(const TrainConfig& config) {
  if (config.model.siamese == "cosine") return nn::PairScore::Cosine;
  if (config.model.siamese == "euclidean") return nn::PairScore::Euclidean;
  if (config.model.siamese == "none") return std::nullopt;
  throw ConfigError("unknown model.siamese \"" + config.model.siamese + "\"");
}

LossFn build_loss(const TrainConfig& config) {
  return nn::find_loss_type(config.loss.name).make(config.loss.options, {.classes = config.data.classes, .dtype = config.dtype});
}

std::unique_ptr<optim::Optimizer> build_optimizer(const TrainConfig& config, const nn::Module& model) {
  return optim::make_optimizer(config.optim, model.named_parameters());
}

std::unique_ptr<optim::LRScheduler> build_scheduler(const TrainConfig& config, optim::Optimizer& optimizer,
                                                    std::int64_t batches_per_epoch) {
  if (!config.scheduler) return nullptr;
  optim::SchedulerSpec spec = *config.scheduler;
  if (spec.name == "onecyclelr") spec.options.emplace_back("total_steps", std::to_string(config.epochs * batches_per_epoch));
  return optim::make_scheduler(spec, optimizer);
}

}  // namespace descent::train
