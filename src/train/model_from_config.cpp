#include "descent/train/model_from_config.hpp"

#include "descent/autograd/ops/activation.hpp"
#include "descent/error.hpp"
#include "descent/nn/activation.hpp"
#include "descent/nn/init.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/losses/contrastive_loss.hpp"
#include "descent/nn/losses/cross_entropy_loss.hpp"
#include "descent/nn/losses/embedding_loss.hpp"
#include "descent/nn/losses/mse_loss.hpp"
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

}  // namespace

std::shared_ptr<nn::Sequential> build_model(const TrainConfig& config, Generator& gen) {
  const auto& m = config.model;
  auto model = std::make_shared<nn::Sequential>();
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
  const std::string& name = config.loss.name;
  const nn::Reduction reduction = nn::reduction_from_string(config.loss.reduction);
  const double margin = config.loss.margin;
  if (name == "cosine_embedding")
    return [margin, reduction](const Tensor& embeddings, const Tensor& targets) {
      const auto [x1, x2] = nn::Siamese::halves(embeddings);
      return nn::cosine_embedding_loss(x1, x2, targets, {.margin = margin, .reduction = reduction});
    };
  if (name == "contrastive")
    return [margin, reduction](const Tensor& embeddings, const Tensor& targets) {
      const auto [x1, x2] = nn::Siamese::halves(embeddings);
      return nn::contrastive_loss(x1, x2, targets, {.margin = margin, .reduction = reduction});
    };
  const std::int64_t classes = config.data.classes;
  if (name == "cross_entropy")
    return [reduction](const Tensor& out, const Tensor& labels) { return nn::cross_entropy(out, labels, reduction); };
  if (name == "mse")
    return [reduction, classes](const Tensor& out, const Tensor& targets) {
      return nn::mse_loss(out, targets.dtype() == Dtype::Int64 ? kernels::one_hot(targets, classes, out.dtype()) : targets,
                          reduction);
    };
  if (name == "quadratic")
    return [classes](const Tensor& out, const Tensor& targets) {
      return nn::quadratic_cost(out, targets.dtype() == Dtype::Int64 ? kernels::one_hot(targets, classes, out.dtype())
                                                                     : targets);
    };
  throw ConfigError("unknown loss \"" + name + "\"");
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
