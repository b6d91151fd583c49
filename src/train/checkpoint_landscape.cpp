#include "descent/train/checkpoint_landscape.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "descent/diagnostics/landscape.hpp"
#include "descent/diagnostics/plot.hpp"
#include "descent/error.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/run.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/csv.hpp"
#include "descent/util/number_text.hpp"
#include "descent/util/output_paths.hpp"
#include "descent/util/split.hpp"

namespace descent::train {
namespace {

std::vector<std::string> parse_directions(const std::string& text) {
  auto count_error = [&] {
    return ConfigError("--direction = " + text + ": expected one direction or two separated by a comma");
  };
  if (text.empty()) throw count_error();
  std::vector<std::string> directions = util::split(text, ',');
  for (const std::string& d : directions)
    if (d != "gradient" && d != "random")
      throw ConfigError("--direction = " + text + ": expected gradient or random, or two of them: gradient,random");
  if (directions.size() > 2) throw count_error();
  return directions;
}

void write_csv(const std::string& path, const std::string& config_path, const CheckpointLandscapeOptions& options,
               std::int64_t examples, const diagnostics::Landscape& land) {
  auto number = [](double v) { return util::format_number(v, ".17g"); };
  util::write_file_atomically(
      path,
      [&](std::ostream& out) {
        util::CsvWriter csv(out);
        csv.comment("descent landscape " + config_path + " --checkpoint " + options.checkpoint + " --direction " +
                    options.direction);
        csv.comment("loss on the first " + std::to_string(examples) + " training examples; a" +
                    (land.b.empty() ? "" : ", b") + " in weight-space distance along " + options.direction);
        csv.row(land.b.empty() ? std::vector<std::string>{"a", "loss"} : std::vector<std::string>{"a", "b", "loss"});
        for (std::size_t j = 0; j < land.loss.size(); ++j)
          for (std::size_t i = 0; i < land.a.size(); ++i)
            csv.row(land.b.empty() ? std::vector{number(land.a[i]), number(land.loss[j][i])}
                                   : std::vector{number(land.a[i]), number(land.b[j]), number(land.loss[j][i])});
      },
      "the landscape");
}

plot::Figure figure(const CheckpointLandscapeOptions& options, const std::vector<std::string>& directions,
                    const diagnostics::Landscape& land) {
  plot::Figure fig;
  fig.title = "Loss landscape of " + std::filesystem::path(options.checkpoint).filename().string() + " along " +
              options.direction;
  fig.xlabel = "distance along the " + directions[0] + " direction";
  if (land.b.empty()) {
    fig.ylabel = "loss";
    fig.series.push_back({"loss", land.a, land.loss[0]});
    fig.series.push_back({"the checkpoint's weights", {0.0}, {land.loss_at_origin}, false, true});
  } else {
    fig.ylabel = "distance along the " + directions[1] + " direction";
    fig.contour = plot::ContourGrid{.xs = land.a, .ys = land.b, .z = land.loss, .label = "loss"};
    fig.series.push_back({"the checkpoint's weights", {0.0}, {0.0}, false, true});
  }
  return fig;
}

}  // namespace

void draw_checkpoint_landscape(const std::string& config_path, const CheckpointLandscapeOptions& options,
                               std::ostream& out) {
  diagnostics::LandscapeOptions landscape;
  landscape.directions = parse_directions(options.direction);
  if (options.span) landscape.span = *options.span;
  if (options.points) landscape.points = *options.points;

  const TrainConfig config = parse_config(config_path);
  const std::string csv =
      options.csv ? *options.csv : std::filesystem::path(options.output).replace_extension(".csv").string();
  const std::vector<util::OutputPath> outputs = {{"--output", options.output},
                                                 {options.csv ? "--csv" : "--csv (from --output)", csv}};
  util::check_output_paths(outputs);
  landscape.seed = options.seed.value_or(config.seed);
  const std::string data_dir = data_dir_for(config, options.data_dir, options.warnings ? options.warnings : &std::cerr);
  const TrainData data = load_data(config, data_dir);
  Generator init(config.seed);
  auto model = build_model(config, init);
  check_same_data(options.checkpoint, load_weights(options.checkpoint, config, *model), data.fingerprint,
                  options.warnings ? *options.warnings : std::cerr);
  model->eval();
  const std::int64_t n = std::min(options.batch, data.train.size());
  const Tensor x = data.train.input_rows(0, n), y = data.train.targets.view_narrowed(0, n);
  const diagnostics::Landscape land = diagnostics::loss_landscape(*model, build_loss(config), x, y, landscape);

  write_csv(csv, config_path, options, n, land);
  plot::render(figure(options, landscape.directions, land), options.output);
  out << "loss at the checkpoint " << util::format_number(land.loss_at_origin, "g") << "; wrote " << csv << " and "
      << options.output << "\n";
}

}  // namespace descent::train
