#include "summary_command.hpp"

#include <CLI/CLI.hpp>

#include "descent/diagnostics/model_summary.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/config.hpp"
#include "descent/train/model_from_config.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"

namespace descent::cli {
namespace {

constexpr const char* kSummaryFooter =
    "What it does:\n"
    "  Builds the network CONFIG describes, exactly as 'descent train' does, runs one example of zeros\n"
    "  through it, and prints each layer (depth first, numbered depth-index as torchinfo does), its output\n"
    "  shape with the batch dimension first, and the parameters it holds; then the total and trainable\n"
    "  parameter counts and their size. A Siamese model takes one pair ([1, 2 x features]). With\n"
    "  --batch N the input is N examples, and the sizes are those of one training step at that batch:\n"
    "  the forward/backward pass size counts each leaf layer's output and its gradient, as torchinfo.\n"
    "\n"
    "Example:\n"
    "  descent summary examples/lenet/mnist.toml\n"
    "  descent summary examples/lenet/mnist.toml --batch 64\n"
    "\n";

}  // namespace

SummaryCommand::SummaryCommand(CLI::App& parent)
    : app_(parent.add_subcommand("summary", "Print a config's model layer by layer, as torchinfo's summary")) {
  app_->allow_extras();  // unknown flags are reported by app.cpp, with a suggestion
  app_->add_option("CONFIG", config_path_, "The TOML config file, e.g. examples/nielsen/config.toml")
      ->type_name("")
      ->required();
  app_->add_option("--batch", batch_, "Examples in the input, >= 1 (default: 1)")->type_name("N");
  app_->footer(kSummaryFooter + std::string(kExitStatusHelp));
}

bool SummaryCommand::selected() const { return app_->parsed(); }

int SummaryCommand::run(std::ostream& out) const {
  const train::TrainConfig config = train::parse_config(config_path_);
  Generator gen(config.seed);
  const std::shared_ptr<nn::Module> model = train::build_network(config, gen);
  const std::int64_t batch = batch_ ? parse_int_flag("--batch", *batch_, 1) : 1;
  const std::int64_t features = config.model.input_size() * (train::siamese_score(config) ? 2 : 1);
  out << diagnostics::to_string(diagnostics::summarize(*model, {batch, features}, config.dtype));
  return kExitSuccess;
}

}  // namespace descent::cli
