// Builds the descent command line with CLI11, dispatches to the subcommand and turns every failure into
// one line on `err`, "descent: <message>", and an exit status (exit_status.hpp).
#include "app.hpp"

#include <CLI/CLI.hpp>
#include <exception>

#include "check_command.hpp"
#include "commands_help.hpp"
#include "descent/distributed/agreement.hpp"
#include "descent/error.hpp"
#include "doctor_command.hpp"
#include "eval_command.hpp"
#include "exit_status.hpp"
#include "export_command.hpp"
#include "landscape_command.hpp"
#include "minimize_command.hpp"
#include "plot_command.hpp"
#include "predict_command.hpp"
#include "summary_command.hpp"
#include "train_command.hpp"
#include "usage_errors.hpp"
#include "version.hpp"

namespace descent::cli {
namespace {

constexpr const char* kDescription =
    "descent trains small neural networks described by a TOML config file on MNIST-format data, and runs\n"
    "the same optimizers on any function of a few variables, step by step.";

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app(kDescription, "descent");
  app.allow_extras();  // leftovers are reported below, with a suggestion
  app.require_subcommand(0, 1);
  TrainCommand train(app);
  CheckCommand check(app);
  DoctorCommand doctor(app);
  MinimizeCommand minimize(app);
  PlotCommand plot(app);
  LandscapeCommand landscape(app);
  SummaryCommand summary(app);
  EvalCommand eval(app);
  PredictCommand predict(app);
  ExportCommand export_command(app);
  app.set_version_flag("--version", std::string("descent ") + kVersion, "Print the version (descent X.Y.Z) and exit");
  app.footer([&app] { return commands_help(app); });

  auto bad_input = [&err](const std::string& message) {
    err << "descent: " << message << '\n';
    return kExitBadInput;
  };

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();  // the selected subcommand's help, if any
    return kExitSuccess;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitSuccess;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << '\n';
    return kExitSuccess;
  } catch (const CLI::ParseError& e) {
    const std::vector<CLI::App*> selected = app.get_subcommands();
    return bad_input(e.what() + help_hint(selected.empty() ? app : *selected.front()));
  }

  for (const CLI::App* cmd : app.get_subcommands())
    if (std::string message = leftover_message(*cmd); !message.empty()) return bad_input(message + help_hint(*cmd));
  if (std::string message = leftover_message(app); !message.empty()) return bad_input(message + help_hint(app));

  try {
    if (train.selected()) return train.run(out, err);
    if (check.selected()) return check.run(out, err);
    if (doctor.selected()) return doctor.run(out, err);
    if (minimize.selected()) return minimize.run(args, out);
    if (plot.selected()) return plot.run(out);
    if (landscape.selected()) return landscape.run(out, err);
    if (summary.selected()) return summary.run(out);
    if (eval.selected()) return eval.run(out, err);
    if (predict.selected()) return predict.run(out);
    if (export_command.selected()) return export_command.run(out);
  } catch (const TrainingDiverged& e) {
    err << "descent: " << e.what() << '\n';
    return kExitCheckFailed;
  } catch (const distributed::PeerFailure& e) {
    return e.outcome().status;  // the rank that failed says why
  } catch (const Error& e) {
    return bad_input(e.what());
  } catch (const std::exception& e) {
    err << "descent: internal error: " << e.what() << '\n';
    return kExitInternal;
  }

  err << app.help();
  return bad_input("missing a command, e.g. descent train examples/nielsen/config.toml");
}

}  // namespace descent::cli
