#include "plot_command.hpp"

#include <CLI/CLI.hpp>

#include "descent/train/trace_figures.hpp"
#include "exit_status.hpp"

namespace descent::cli {
namespace {

constexpr const char* kPlotFooter =
    "What it draws:\n"
    "  metrics files (descent train --metrics, JSON Lines): training loss and test accuracy per epoch;\n"
    "  training traces (descent train --trace, CSV): each recorded weight, output and loss per step;\n"
    "  minimize traces (descent minimize --trace, CSV): the optimizer's path, over the function's\n"
    "  contour lines for two variables or along its curve for one.\n"
    "  an evaluation (descent eval --json): its confusion matrix, each cell coloured and labelled\n"
    "  with its count (rows: true class, columns: predicted class), alone in its picture.\n"
    "  Several files of one kind are drawn together, each series named after its file.\n"
    "\n"
    "Example:\n"
    "  descent plot run.jsonl --output run.png\n"
    "  descent plot eval.json --output confusion.png\n"
    "\n";

}  // namespace

PlotCommand::PlotCommand(CLI::App& parent)
    : app_(parent.add_subcommand("plot", "Draw metrics and trace files as a PNG or SVG picture (gnuplot)")) {
  app_->allow_extras();
  app_->add_option("FILE", files_, "Metrics (.jsonl), trace (.csv) or evaluation (.json) files written by descent")
      ->type_name("")
      ->required();
  app_->add_option("--output", output_, "The picture to write: a .png (960x720) or .svg file")
      ->type_name("OUT")
      ->required();
  app_->add_option("--title", title_, "The picture's title (default: from the files)")->type_name("TEXT");
  app_->footer(kPlotFooter + std::string(kExitStatusHelp));
}

bool PlotCommand::selected() const { return app_->parsed(); }

int PlotCommand::run(std::ostream& out) const {
  train::draw_files(files_, output_, title_);
  out << "wrote " << output_ << '\n';
  return kExitSuccess;
}

}  // namespace descent::cli
