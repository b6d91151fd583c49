#include "plot_command.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>

#include "descent/diagnostics/plot.hpp"
#include "descent/error.hpp"
#include "exit_status.hpp"
#include "trace_figures.hpp"

namespace descent::cli {
namespace {

constexpr const char* kFooter =
    "What it draws:\n"
    "  metrics files (descent train --metrics, JSON Lines): training loss and test accuracy per epoch;\n"
    "  training traces (descent train --trace, CSV): each recorded weight, output and loss per step;\n"
    "  minimize traces (descent minimize --trace, CSV): the optimizer's path, over the function's\n"
    "  contour lines for two variables or along its curve for one.\n"
    "  Several files of one kind are drawn together, each series named after its file.\n"
    "\n"
    "Example:\n"
    "  descent plot run.jsonl --output run.png\n"
    "\n";

bool is_metrics(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path + ": cannot open");
  char c = 0;
  while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
  }
  return c == '{';
}

}  // namespace

PlotCommand::PlotCommand(CLI::App& parent)
    : app_(parent.add_subcommand("plot", "Draw metrics and trace files as a PNG or SVG picture (gnuplot)")) {
  app_->allow_extras();
  app_->add_option("FILE", files_, "Metrics (.jsonl) or trace (.csv) files written by descent")
      ->type_name("")
      ->required();
  app_->add_option("--output", output_, "The picture to write: a .png (960x720) or .svg file")
      ->type_name("OUT")
      ->required();
  app_->add_option("--title", title_, "The picture's title (default: from the files)")->type_name("TEXT");
  app_->footer(kFooter + std::string(kExitStatusHelp));
}

bool PlotCommand::selected() const { return app_->parsed(); }

int PlotCommand::run(std::ostream& out) const {
  std::vector<std::string> metrics, traces;
  for (const auto& f : files_) (is_metrics(f) ? metrics : traces).push_back(f);
  if (!metrics.empty() && !traces.empty())
    throw ValueError("plot: cannot draw metrics (" + metrics.front() + ") and traces (" + traces.front() +
                     ") in one picture; make one picture of each");
  plot::Figure figure = metrics.empty() ? trace_figure(traces) : metrics_figure(metrics);
  if (!title_.empty()) figure.title = title_;
  plot::render(figure, output_);
  out << "wrote " << output_ << '\n';
  return kExitSuccess;
}

}  // namespace descent::cli
