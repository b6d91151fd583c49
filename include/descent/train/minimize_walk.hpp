#pragma once
// `descent minimize`: an optimizer's walk on a function (minimize.hpp) printed step by step and
// recorded as a trace (trajectory_csv.hpp), or several optimizers' walks from one start drawn together.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "descent/functions/objective.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/train/minimize.hpp"

namespace descent::train {

struct WalkOptions {
  std::int64_t every = 1;                 // print every k-th step (and the last)
  std::string trace_path = {};            // the walk as CSV; empty for none
  std::vector<std::string> command = {};  // the command line, recorded in the trace (shell-quoted)
};

// "minimizing <f> with <optimizer> (<options>), <dtype>", a line per printed step, the final point, a
// warning when the value stopped being finite, and a test function's known minimum. The trace is opened
// before the run, so that an unwritable path is reported before any work. Throws ValueError for a bad
// option (the factory's message), IoError for the trace.
void print_walk(const functions::Objective& f, const optim::OptimizerSpec& spec, const MinimizeOptions& options,
                const WalkOptions& walk, std::ostream& out);

// Runs each spec from options.x0, prints where it ended, and draws every path into `output` (.png or
// .svg) over the function's contour lines (two variables) or along its curve (one). Throws ConfigError
// for more than two variables or a spec whose options the factory rejects (named in the message).
void compare_walks(const functions::Objective& f, const std::vector<optim::OptimizerSpec>& specs,
                   const MinimizeOptions& options, const std::string& output, std::ostream& out);

// "adam:lr=0.05:betas=0.9,0.999" -> {adam, {lr: 0.05, betas: 0.9,0.999}}; option names may use - or _.
// Throws ConfigError "<where> <text>: ..." for an unknown optimizer or an item that is not option=value.
optim::OptimizerSpec parse_optimizer_spec(const std::string& text, const std::string& where);

}  // namespace descent::train
