#include "descent/train/inspect_run.hpp"

#include "descent/diagnostics/data_inspection.hpp"
#include "descent/diagnostics/model_inspection.hpp"
#include "descent/diagnostics/optimizer_inspection.hpp"
#include "descent/train/train_loader.hpp"

namespace descent::train {
namespace {

// Dropout layers of the layer form, with their p.
std::vector<std::pair<std::string, double>> dropout_layers(const TrainConfig& config) {
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t i = 0; i < config.model.layer.size(); ++i)
    if (config.model.layer[i].type == "dropout") {
      const std::string p = config.model.layer[i].option("p");
      out.emplace_back(std::to_string(i), p.empty() ? 0.5 : std::stod(p));
    }
  return out;
}

}  // namespace

std::vector<diagnostics::Finding> inspect_run(const TrainConfig& config, const TrainData& data,
                                              const nn::Module& model) {
  std::vector<diagnostics::Finding> found;
  auto add = [&found](std::vector<diagnostics::Finding> more) {
    for (diagnostics::Finding& f : more) found.push_back(std::move(f));
  };
  add(diagnostics::inspect_inputs(data.train.inputs()));
  if (data.classification)
    add(diagnostics::inspect_labels(data.train.targets, data.test.targets, config.data.classes,
                                    train_loader_options(config, data.train.size()).shuffle));
  const std::vector<diagnostics::LayerOutline> layers = diagnostics::outline(model);
  add(diagnostics::inspect_structure(layers, config.loss.name));
  add(diagnostics::inspect_weights(model, layers));
  add(diagnostics::inspect_optimizer(config.optim));
  add(diagnostics::inspect_dropout(dropout_layers(config)));
  return found;
}

}  // namespace descent::train
