#include "descent/train/model_from_config.hpp"

#include "descent/autograd/ops/shape.hpp"
#include "descent/error.hpp"
#include "descent/io/state_dict_file.hpp"
#include "descent/nn/graph.hpp"
#include "descent/nn/init_type.hpp"
#include "descent/nn/layer_type.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/nn/pooling.hpp"
#include "descent/nn/tensor_init_type.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/util/excerpt.hpp"
#include "descent/util/join.hpp"
#include "descent/util/memory_limit.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>

namespace descent::train {
namespace {

// Each flat example viewed as model.input_shape: (N, 784) -> (N, 1, 28, 28).
Tensor as_examples(const Tensor& input, const std::vector<std::int64_t>& input_shape) {
  Shape shape{input.shape()[0]};
  for (std::int64_t d : input_shape) shape.push_back(d);
  return reshape(input, shape);
}

// The layer form's model: views each flat example as model.input_shape, then runs the layers. Being a
// Sequential itself, its parameters keep the layer indices of the config ("0.weight" is layer[0]'s).
class ShapedSequential : public nn::Sequential {
 public:
  explicit ShapedSequential(const std::vector<std::int64_t>& input_shape) : input_shape_(input_shape) {}
  Tensor forward(const Tensor& input) override { return nn::Sequential::forward(as_examples(input, input_shape_)); }

 private:
  std::vector<std::int64_t> input_shape_;
};

// The same for a model whose layers take earlier layers' outputs (input = "name", add, concat).
class ShapedGraph : public nn::Graph {
 public:
  explicit ShapedGraph(const std::vector<std::int64_t>& input_shape) : input_shape_(input_shape) {}
  Tensor forward(const Tensor& input) override { return nn::Graph::forward(as_examples(input, input_shape_)); }

 private:
  std::vector<std::int64_t> input_shape_;
};

bool has_merges(const ModelConfig& m) {
  return std::any_of(m.layer.begin(), m.layer.end(),
                     [](const LayerConfig& l) { return l.from.has_value() || !l.merged.empty(); });
}

// A layer's options with [model] weight_init and bias_init as defaults: for the types that take them
// (linear, conv2d) where the table sets none of its own; bias_init only where the layer has a bias.
util::NameValuePairs with_model_inits(const ModelConfig& m, const LayerConfig& l) {
  util::NameValuePairs options = l.options;
  const std::vector<util::OptionInfo> keys = nn::find_layer_type(l.type).options();
  auto takes = [&](std::string_view key) {
    return std::any_of(keys.begin(), keys.end(), [&](const util::OptionInfo& o) { return o.name == key; });
  };
  if (m.weight_init != "default" && takes("weight_init") && l.option("weight_init").empty())
    options.emplace_back("weight_init", m.weight_init);
  if (m.bias_init != "default" && takes("bias_init") && l.option("bias_init").empty() && l.option("bias") != "false")
    options.emplace_back("bias_init", m.bias_init);
  return options;
}

// model.init_from: the file's weights over whatever the init drew; its errors restated with the config.
void init_from_file(const TrainConfig& config, nn::Module& model, std::ostream* notes) {
  const std::string prefix = config.path + ": init_from ";
  io::LoadedStateDict loaded;
  try {
    loaded = io::load_state_dict(config.model.init_from, model, {.strict = config.model.init_strict});
  } catch (const IoError& e) {
    throw IoError(prefix + e.what());
  } catch (const ShapeError& e) {
    throw ConfigError(prefix + e.what());
  } catch (const ValueError& e) {
    throw ConfigError(prefix + e.what() + " (init_strict = false loads the tensors that match)");
  }
  if (!notes) return;
  const auto note = [&](const std::vector<std::string>& names, const std::string& what) {
    if (!names.empty()) *notes << prefix << config.model.init_from << ": " << what << ": " << util::join(names) << '\n';
  };
  note(loaded.converted_keys, std::string("converted to ") + std::string(to_string(config.dtype)));
  note(loaded.missing_keys, "not in the file, kept their init");
  note(loaded.unexpected_keys, "not in the model, skipped");
}
// The parameters' bytes, layer by layer, against the memory limit (util/memory_limit.hpp): each
// tensor is checked before it is allocated (Tensor::empty), and the sum after each layer, so that a
// config of many large layers stops at the first layer past the limit. Errors name the layer.
class ParameterBudget {
 public:
  explicit ParameterBudget(const TrainConfig& config) : config_(config) {}

  template <class Make>
  auto add(const std::string& where, Make&& make) {
    try {
      auto layer = make();
      for (const auto& named : layer->named_parameters())
        total_ += static_cast<std::uint64_t>(named.second.numel()) * itemsize(named.second.dtype());
      util::check_memory("the sum of the model's parameters up to this layer", total_);
      return layer;
    } catch (const MemoryLimitError& e) {
      throw MemoryLimitError(config_.path + ": " + where + ": " + e.what(), e.claimed(), e.allowed());
    } catch (const ShapeError& e) {  // a product of sizes past 64 bits
      throw ConfigError(config_.path + ": " + where + ": " + e.what());
    }
  }

 private:
  const TrainConfig& config_;
  std::uint64_t total_ = 0;
};

// The bytes of the MLP's weights and biases, (in x out + out) x itemsize a layer, against the limit.
void check_mlp_parameters(const TrainConfig& config) {
  const std::vector<std::int64_t>& widths = config.model.layers;
  const std::uint64_t item = itemsize(config.dtype);
  std::optional<std::uint64_t> total = 0;
  const auto add = [&total](std::optional<std::uint64_t> bytes) {
    if (!total || !bytes || __builtin_add_overflow(*total, *bytes, &*total)) total.reset();
  };
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    add(util::checked_bytes(std::array<std::int64_t, 2>{widths[i], widths[i + 1]}, item));
    if (config.model.bias) add(util::checked_bytes(std::array<std::int64_t, 1>{widths[i + 1]}, item));
  }
  util::check_memory(config.path + ": model.layers = " + util::excerpt(util::list_text(widths)) + ": the model (" +
                         std::string(to_string(config.dtype)) + " parameters)",
                     total);
}

}  // namespace

std::shared_ptr<nn::Sequential> build_model(const TrainConfig& config, Generator& gen, std::ostream* notes) {
  const auto& m = config.model;
  const std::shared_ptr<nn::Graph> graph = has_merges(m) ? std::make_shared<ShapedGraph>(m.input_shape) : nullptr;
  std::shared_ptr<nn::Sequential> model = graph;
  if (!model)
    model = m.layer.empty() ? std::make_shared<nn::Sequential>() : std::make_shared<ShapedSequential>(m.input_shape);
  // The layer form: each [[model.layer]] through its registry entry, sized by its in_shape; merge
  // layers also take the earlier outputs their inputs name.
  ParameterBudget budget{config};
  for (std::size_t i = 0; i < m.layer.size(); ++i) {
    const LayerConfig& l = m.layer[i];
    const std::string where = "model.layer[" + std::to_string(i) + "] (" + l.type + ")";
    auto layer = budget.add(
        where, [&] { return nn::find_layer_type(l.type).make(with_model_inits(m, l), l.in_shape, config.dtype, gen); });
    if (graph) graph->push_back(std::move(layer), {.input = l.from, .merged = l.merged});
    else model->push_back(std::move(layer));
  }
  // The MLP form: Linear layers initialised by model.init, then weight_init and bias_init, each
  // followed by an activation layer with its options at their defaults. Their parameters are counted
  // from the widths first, so that none is made (and filled) for a model past the memory limit.
  if (m.layers.size() >= 2) check_mlp_parameters(config);
  const nn::InitType& init = nn::find_init_type(m.init);
  const nn::TensorInit weight_init = nn::parse_tensor_init(m.weight_init, nn::InitParam::Weight);
  const nn::TensorInit bias_init = nn::parse_tensor_init(m.bias_init, nn::InitParam::Bias);
  for (std::size_t i = 0; i + 1 < m.layers.size(); ++i) {
    const bool last = i + 2 == m.layers.size();
    const std::string& act = last ? m.output_activation : m.activation;
    const std::string where = "model.layers[" + std::to_string(i) + ":" + std::to_string(i + 2) + "] = [" +
                              std::to_string(m.layers[i]) + ", " + std::to_string(m.layers[i + 1]) + "]";
    auto layer = budget.add(where, [&] {
      return std::make_shared<nn::Linear>(m.layers[i], m.layers[i + 1],
                                          nn::LinearOptions{.bias = m.bias, .dtype = config.dtype, .generator = &gen});
    });
    init.apply({.weight = layer->weight(), .bias = layer->bias(), .activation = act, .gen = gen}, {});
    weight_init.apply(layer->weight(), gen);
    if (layer->bias().defined()) bias_init.apply(layer->bias(), gen);
    model->push_back(layer);
    if (act != "none") model->push_back(nn::find_layer_type(act).make({}, {m.layers[i + 1]}, config.dtype, gen));
  }
  // [model.weights] replace the initial values they name.
  const auto params = model->named_parameters();
  for (const auto& [name, values] : m.weights) {
    const std::string& wanted = name;  // clang cannot capture a structured binding yet
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == wanted; });
    if (it == params.end()) {
      std::vector<std::string> names;
      for (const auto& p : params) names.push_back(p.first);
      const std::string known = util::join(names);
      throw ConfigError(config.path + ": model.weights." + name + ": no such parameter (the model has " + known + ")");
    }
    if (static_cast<std::int64_t>(values.size()) != it->second.numel())
      throw ConfigError(config.path + ": model.weights." + name + ": " + std::to_string(values.size()) +
                        " values, expected " + std::to_string(it->second.numel()) + " for shape " +
                        to_string(it->second.shape()));
    kernels::copy_(it->second, from_vector(values, it->second.shape(), Dtype::Float64));
  }
  if (!m.init_from.empty()) init_from_file(config, *model, notes);
  return model;
}

std::shared_ptr<nn::Module> build_network(const TrainConfig& config, Generator& gen, std::ostream* notes) {
  std::shared_ptr<nn::Module> tower = build_model(config, gen, notes);
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
  return nn::find_loss_type(config.loss.name)
      .make(config.loss.options, {.classes = config.data.classes, .dtype = config.dtype});
}

std::unique_ptr<optim::Optimizer> build_optimizer(const TrainConfig& config, const nn::Module& model) {
  return optim::make_optimizer(config.optim, model.named_parameters());
}

std::unique_ptr<optim::LRScheduler> build_scheduler(const TrainConfig& config, optim::Optimizer& optimizer,
                                                    std::int64_t batches_per_epoch) {
  if (!config.scheduler) return nullptr;
  optim::SchedulerSpec spec = *config.scheduler;
  if (spec.name == "onecyclelr") {
    std::int64_t total = 0;
    if (__builtin_mul_overflow(config.epochs, batches_per_epoch, &total))
      throw ConfigError(config.path + ": train.epochs = " + std::to_string(config.epochs) + ": expected at most " +
                        std::to_string(std::numeric_limits<std::int64_t>::max() / batches_per_epoch) + " with " +
                        std::to_string(batches_per_epoch) + " batches per epoch (onecyclelr counts every update)");
    spec.options.emplace_back("total_steps", std::to_string(total));
  }
  return optim::make_scheduler(spec, optimizer);
}

}  // namespace descent::train
