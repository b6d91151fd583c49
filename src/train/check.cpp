#include "descent/train/check.hpp"

#include <iostream>

#include "descent/data/data_loader.hpp"
#include "descent/diagnostics/model_check.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/run.hpp"
#include "descent/train/train_loader.hpp"
#include "descent/util/join.hpp"

namespace descent::train {
namespace {

std::string bracketed(const std::vector<std::int64_t>& values) {
  std::vector<std::string> parts;
  for (std::int64_t v : values) parts.push_back(std::to_string(v));
  return std::string("[").append(util::join(parts)).append("]");  // not "[" + ...: GCC 12's -Wrestrict false alarm
}

// "[784, 30, 10] (sigmoid, output sigmoid)", or the layer form's types: "[1, 28, 28] conv2d relu ... linear".
std::string model_summary(const ModelConfig& m) {
  if (m.layer.empty()) return bracketed(m.layers) + " (" + m.activation + ", output " + m.output_activation + ")";
  std::string s = bracketed(m.input_shape);
  for (const LayerConfig& l : m.layer) s += " " + l.type;
  return s;
}

// ", lr 0.5, maximize true": the options the config sets, as the summary line shows them.
std::string optimizer_options(const optim::OptimizerSpec& spec) {
  std::string s;
  for (const auto& [key, value] : spec.options) s += ", " + key + " " + value;
  return s;
}

}  // namespace

bool check_config(const std::string& config_path, const CheckOptions& options, std::ostream& out) {
  TrainConfig config = parse_config(config_path);
  if (options.seed) config.seed = *options.seed;
  const std::string dir = data_dir_for(config, options.data_dir, options.warnings ? options.warnings : &std::cerr);
  const std::string data_dir = !dir.empty() ? dir : !config.data.train.empty() ? config.data.train : "the config";
  const TrainData data = load_data(config, data_dir);

  // The model and the first batch exactly as 'descent train' with this seed starts.
  Generator init_gen(config.seed);
  auto model = build_network(config, init_gen);
  const LossFn loss = build_loss(config);
  optim::make_optimizer(config.optim, model->named_parameters());  // bad options are bad input, before any check
  data::DataLoaderOptions batches = train_loader_options(config, data.train.size());
  if (options.batch) batches.batch_size = *options.batch;
  data::DataLoader loader(data.train, batches);
  data::Batch batch;
  loader.next(batch);

  std::int64_t parameters = 0;
  for (const auto& [name, p] : model->named_parameters()) parameters += p.numel();
  out << "descent check " << config_path << "\n"
      << "model " << model_summary(config.model)
      << (config.model.siamese != "none" ? ", the tower of a Siamese model (" + config.model.siamese + ")" : "") << ", "
      << parameters << " parameters in " << model->named_parameters().size() << " tensors; loss " << config.loss.name
      << "; optimizer " << config.optim.name << optimizer_options(config.optim) << "\n"
      << "batch: the first " << batch.inputs.shape()[0] << " examples training draws with seed " << config.seed
      << (data.pairs ? " (pairs)" : "") << ", from " << data_dir << "\n\n";

  diagnostics::ModelCheckOptions check;
  check.gradients.samples = options.samples;
  check.gradients.seed = config.seed;
  const auto result = diagnostics::check_model(
      *model, loss, batch.inputs, batch.targets,
      [&](const optim::NamedParameters& named) { return optim::make_optimizer(config.optim, named); }, check);
  out << result.report() << std::flush;
  return result.passed();
}

}  // namespace descent::train
