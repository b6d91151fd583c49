#include "check_command.hpp"

#include <CLI/CLI.hpp>

#include "descent/data/data_loader.hpp"
#include "descent/data/dataset.hpp"
#include "descent/diagnostics/model_check.hpp"
#include "descent/error.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/run.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"

namespace descent::cli {
namespace {

constexpr std::int64_t kDefaultSamples = 100;

constexpr const char* kFooter =
    "What it does:\n"
    "  Builds the network, loss and optimizer that CONFIG describes, exactly as 'descent train' does, takes\n"
    "  the first mini-batch that training would draw, and runs two checks in float64:\n"
    "  - gradients: backward's gradient of every parameter tensor against central differences (--samples K\n"
    "    elements per tensor, 100 by default, 0 for all); a table with the largest errors and where they are;\n"
    "  - descent direction: one step of the optimizer at lr x 1e-3, lr x 1e-4 and the configured lr,\n"
    "    the loss change it predicts (g . d) against the change it makes, and per parameter tensor the\n"
    "    cosine between the update and -g. A probe step that raises the loss, or a negative cosine, is a\n"
    "    failure: the update goes uphill. A rise only at the configured lr is a warning (a step too large).\n"
    "  Each failure is explained in one sentence naming the parameter.\n"
    "\n"
    "Data:\n"
    "  As for 'descent train': --data-dir, else $DESCENT_DATA, else /usr/share/datasets/fashion-mnist.\n"
    "\n"
    "Example:\n"
    "  descent check examples/nielsen/config.toml\n"
    "\n";

std::string join(const std::vector<std::int64_t>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  return "[" + out + "]";
}

// "[784, 30, 10] (sigmoid, output sigmoid)", or the layer form's types: "[1, 28, 28] conv2d relu ... linear".
std::string model_summary(const train::ModelConfig& m) {
  if (m.layer.empty()) return join(m.layers) + " (" + m.activation + ", output " + m.output_activation + ")";
  std::string s = join(m.input_shape);
  for (const train::LayerConfig& l : m.layer) s += " " + l.type;
  return s;
}

}  // namespace

CheckCommand::CheckCommand(CLI::App& parent)
    : app_(parent.add_subcommand("check", "Check a config's gradients and its optimizer's direction on one batch")) {
  app_->allow_extras();  // unknown flags are reported by app.cpp, with a suggestion
  app_->add_option("CONFIG", config_path_, "The TOML config file, e.g. examples/nielsen/config.toml")
      ->type_name("")
      ->required();
  app_->add_option("--data-dir", data_dir_,
                   "Directory with the four IDX files (default: $DESCENT_DATA, else the Debian data set)")
      ->type_name("DIR");
  app_->add_option("--batch", batch_, "Examples in the checked batch, >= 1 (default: train.batch_size)")->type_name("N");
  app_->add_option("--samples", samples_,
                   "Elements checked per parameter tensor, >= 0; 0 checks every element (default: 100)")
      ->type_name("K");
  app_->add_option("--seed", seed_, "Random seed, >= 0, for initialization, the batch and the samples (overrides train.seed)")
      ->type_name("S");
  app_->footer(kFooter + std::string(kExitStatusHelp));
}

bool CheckCommand::selected() const { return app_->parsed(); }

namespace {
// ", lr 0.5, maximize true": the options the config sets, as the summary line shows them.
std::string optimizer_options(const optim::OptimizerSpec& spec) {
  std::string s;
  for (const auto& [key, value] : spec.options) s += ", " + key + " " + value;
  return s;
}
}  // namespace

int CheckCommand::run(std::ostream& out) const {
  const std::int64_t samples = samples_ ? parse_int_flag("--samples", *samples_, 0) : kDefaultSamples;
  const std::optional<std::int64_t> batch_flag =
      batch_ ? std::optional(parse_int_flag("--batch", *batch_, 1)) : std::nullopt;
  const std::optional<std::uint64_t> seed_flag = seed_ ? std::optional(parse_uint_flag("--seed", *seed_)) : std::nullopt;

  train::TrainConfig config = train::parse_config(config_path_);
  if (seed_flag) config.seed = *seed_flag;
  const std::string data_dir = train::needs_data_dir(config) ? train::resolve_data_dir(data_dir_) : "the config";
  const train::TrainData data = train::load_data(config, data_dir);
  const data::Dataset& train_set = data.train;
  const std::int64_t batch_size =
      batch_flag.value_or(config.batch_size == train::kFullBatch ? train_set.size() : config.batch_size);

  // The model and the first batch exactly as 'descent train' with this seed starts.
  Generator init_gen(config.seed);
  auto model = train::build_network(config, init_gen);
  const train::LossFn loss = train::build_loss(config);
  optim::make_optimizer(config.optim, model->named_parameters());  // bad options are bad input, before any check
  data::DataLoader loader(train_set, {.batch_size = batch_size, .shuffle = true, .seed = config.seed + 1});
  data::Batch batch;
  loader.next(batch);

  std::int64_t parameters = 0;
  for (const auto& [name, p] : model->named_parameters()) parameters += p.numel();
  out << "descent check " << config_path_ << "\n"
      << "model " << model_summary(config.model)
      << (config.model.siamese != "none" ? ", the tower of a Siamese model (" + config.model.siamese + ")" : "") << ", "
      << parameters << " parameters in " << model->named_parameters().size()
      << " tensors; loss " << config.loss.name << "; optimizer " << config.optim.name << optimizer_options(config.optim)
      << "\n"
      << "batch: the first " << batch.inputs.shape()[0] << " examples training draws with seed " << config.seed
      << (data.pairs ? " (pairs)" : "") << ", from " << data_dir << "\n\n";

  diagnostics::ModelCheckOptions options;
  options.gradients.samples = samples;
  options.gradients.seed = config.seed;
  const auto result = diagnostics::check_model(
      *model, loss, batch.inputs, batch.targets,
      [&](const optim::NamedParameters& parameters) { return optim::make_optimizer(config.optim, parameters); }, options);
  out << result.report() << std::flush;
  return result.passed() ? kExitSuccess : kExitCheckFailed;
}

}  // namespace descent::cli
