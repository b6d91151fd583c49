// The readers of `descent plot` (train/trace_figures.hpp, diagnostics/plot.hpp): a metrics file (JSON
// Lines) or a trace (CSV) made into a figure and, but for a contour plot, its gnuplot script, without
// running gnuplot.
#include <filesystem>

#include "descent/diagnostics/plot.hpp"
#include "descent/train/trace_figures.hpp"
#include "fuzz_input.hpp"
#include "fuzz_targets.hpp"

namespace descent::fuzz {

int fuzz_plot(const std::uint8_t* data, std::size_t size) {
  return run_input([&] {
    const std::string path = input_file(data, size, "run.txt");
    const bool metrics = size > 0 && data[0] == '{';
    const plot::Figure figure = metrics ? train::metrics_figure({path}) : train::trace_figure({path});
    // A contour's data files are 40,000 points of output written as text, seconds in a sanitizer
    // build whatever the input: the script is made for the other figures, whose titles and names
    // come from the file.
    if (!figure.contour) plot::gnuplot_script(figure, std::filesystem::path(path).parent_path().string(), "out.png");
  });
}

}  // namespace descent::fuzz
