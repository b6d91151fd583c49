#include "landscape_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "descent/data/safetensors.hpp"
#include "descent/diagnostics/landscape.hpp"
#include "descent/diagnostics/plot.hpp"
#include "descent/error.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/run.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"

namespace descent::cli {
namespace {

constexpr const char* kFooter =
    "What it does:\n"
    "  Loads the weights of a checkpoint (descent train --save) into the model CONFIG describes and evaluates\n"
    "  the loss on the first --batch training examples at weights + a*d (a line) or + a*d1 + b*d2 (a plane)\n"
    "  for a, b in [-span, span]. gradient is the steepest descent -grad L / |grad L| on that batch; random\n"
    "  a seeded Gaussian direction; both have unit length over all parameters together.\n"
    "  Writes the values as CSV (a,loss or a,b,loss) and draws them: a curve, or contour lines.\n"
    "\n"
    "Example:\n"
    "  descent train examples/nielsen/config.toml --epochs 3 --save nielsen.safetensors\n"
    "  descent landscape examples/nielsen/config.toml --checkpoint nielsen.safetensors --direction gradient \\\n"
    "      --span 5 --output landscape.png\n"
    "\n";

double parse_number_flag(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v > 0) || !std::isfinite(v))
    throw ConfigError(flag + " = " + text + ": expected a number > 0");
  return v;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

LandscapeCommand::LandscapeCommand(CLI::App& parent)
    : app_(parent.add_subcommand("landscape", "The loss along a line or over a plane through a checkpoint's weights")) {
  app_->allow_extras();
  app_->add_option("CONFIG", config_path_, "The TOML config the checkpoint was trained with")->type_name("")->required();
  app_->add_option("--checkpoint", checkpoint_path_, "A checkpoint written by descent train --save")
      ->type_name("FILE")
      ->required();
  app_->add_option("--direction", direction_,
                   "gradient or random (a line), or two of them separated by a comma (a plane); default gradient")
      ->type_name("DIR[,DIR]");
  app_->add_option("--span", span_, "How far to go each way, in weight-space distance (default 1)")->type_name("S");
  app_->add_option("--points", points_, "Points per axis, >= 3 (default 41)")->type_name("N");
  app_->add_option("--output", output_, "The picture: OUT.png or OUT.svg")->type_name("OUT")->required();
  app_->add_option("--csv", csv_, "The values as CSV (default: OUT with .csv)")->type_name("FILE");
  app_->add_option("--data-dir", data_dir_, "Directory with the four IDX files (as for descent train)")->type_name("DIR");
  app_->add_option("--batch", batch_, "Training examples the loss is evaluated on, >= 1 (default 1000)")->type_name("N");
  app_->add_option("--seed", seed_, "Seed of the random directions (default: train.seed)")->type_name("S");
  app_->footer(kFooter + std::string(kExitStatusHelp));
}

bool LandscapeCommand::selected() const { return app_->parsed(); }

int LandscapeCommand::run(std::ostream& out) const {
  diagnostics::LandscapeOptions options;
  if (span_) options.span = parse_number_flag("--span", *span_);
  if (points_) options.points = parse_int_flag("--points", *points_, 3);
  const std::int64_t batch = batch_ ? parse_int_flag("--batch", *batch_, 1) : 1000;
  options.directions.clear();
  std::stringstream dirs(direction_);
  for (std::string d; std::getline(dirs, d, ',');) {
    if (d != "gradient" && d != "random")
      throw ConfigError("--direction = " + direction_ + ": expected gradient or random, or two of them: gradient,random");
    options.directions.push_back(d);
  }
  if (options.directions.empty() || options.directions.size() > 2)
    throw ConfigError("--direction = " + direction_ + ": expected one direction or two separated by a comma");

  const train::TrainConfig config = train::parse_config(config_path_);
  options.seed = seed_ ? parse_uint_flag("--seed", *seed_) : config.seed;
  const std::string data_dir = train::needs_data_dir(config) ? train::resolve_data_dir(data_dir_) : "";
  const train::TrainData data = train::load_data(config, data_dir);
  Generator init(config.seed);
  auto model = train::build_model(config, init);
  const data::SafetensorsFile file = data::load_safetensors(checkpoint_path_);
  std::map<std::string, Tensor> weights;
  for (const auto& [name, t] : file.tensors)
    if (!name.starts_with("optimizer.")) weights[name] = t;
  try {
    model->load_state_dict(weights);
  } catch (const ValueError& e) {
    throw ConfigError(checkpoint_path_ + ": the checkpoint does not fit the model of " + config.path + ": " + e.what());
  }
  model->eval();
  const std::int64_t n = std::min(batch, data.train.size());
  const Tensor x = data.train.inputs.view_narrowed(0, n), y = data.train.targets.view_narrowed(0, n);
  const train::LossFn loss = train::build_loss(config);
  const diagnostics::Landscape land = diagnostics::loss_landscape(*model, loss, x, y, options);

  const std::string csv = csv_ ? *csv_ : std::filesystem::path(output_).replace_extension(".csv").string();
  {
    const std::string partial = csv + ".partial";
    std::ofstream f(partial);
    if (!f) throw IoError(csv + ": cannot open for writing");
    f << "# descent landscape " << config_path_ << " --checkpoint " << checkpoint_path_ << " --direction " << direction_
      << "\n# loss on the first " << n << " training examples; a" << (land.b.empty() ? "" : ", b")
      << " in weight-space distance along " << direction_ << "\n";
    f << (land.b.empty() ? "a,loss\n" : "a,b,loss\n");
    for (std::size_t j = 0; j < land.loss.size(); ++j)
      for (std::size_t i = 0; i < land.a.size(); ++i)
        f << number(land.a[i]) << ',' << (land.b.empty() ? "" : number(land.b[j]) + ",") << number(land.loss[j][i]) << "\n";
    f.close();
    std::filesystem::rename(partial, csv);
  }

  plot::Figure fig;
  fig.title = "Loss landscape of " + std::filesystem::path(checkpoint_path_).filename().string() + " along " + direction_;
  if (land.b.empty()) {
    fig.xlabel = "distance along the " + options.directions[0] + " direction";
    fig.ylabel = "loss";
    fig.series.push_back({"loss", land.a, land.loss[0]});
    fig.series.push_back({"the checkpoint's weights", {0.0}, {land.loss_at_origin}, false, true});
  } else {
    fig.xlabel = "distance along the " + options.directions[0] + " direction";
    fig.ylabel = "distance along the " + options.directions[1] + " direction";
    plot::ContourGrid grid{.xs = land.a, .ys = land.b, .z = land.loss};
    fig.contour = grid;
    fig.series.push_back({"the checkpoint's weights", {0.0}, {0.0}, false, true});
  }
  plot::render(fig, output_);
  out << "loss at the checkpoint " << land.loss_at_origin << "; wrote " << csv << " and " << output_ << "\n";
  return kExitSuccess;
}

}  // namespace descent::cli
