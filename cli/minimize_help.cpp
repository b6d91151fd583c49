#include "minimize_help.hpp"

#include "descent/functions/test_functions.hpp"
#include "exit_status.hpp"
#include "optimizer_flags.hpp"

namespace descent::cli {
namespace {

std::string test_functions_help() {
  std::string text = "Test functions (their global minima, where every run should end up):\n";
  for (const functions::TestFunction& f : functions::test_functions()) {
    std::string line = "  " + std::string(f.name);
    line.resize(14, ' ');
    line += std::string(f.formula) + (f.dimension == 0 ? ", any number of variables" : "");
    text += line + "\n";
  }
  text +=
      "  Minima: f = 0 at the origin (quadratic, rastrigin), (1, 1) (rosenbrock), (3, 0.5) (beale), (1, 3) (booth),\n"
      "  and (3, 2), (-2.805118, 3.131313), (-3.779310, -3.283186), (3.584428, -1.848127) (himmelblau).\n";
  return text;
}

constexpr const char* kAbout =
    "What it does:\n"
    "  Starts at --x0 and takes --steps steps of the optimizer on FUNCTION, whose gradient comes from\n"
    "  backpropagation through the same ops and optimizer code that train networks. It prints the point,\n"
    "  the value f and the gradient at each step (every K-th with --every K), then the final point.\n"
    "\n"
    "FUNCTION:\n"
    "  The name of a test function, or an expression in x, y, z with + - * / ^, parentheses, numbers (2,\n"
    "  0.5, 1e-3), the constant pi and the functions exp log sqrt sin cos tanh sigmoid abs. ^ is right-\n"
    "  associative and binds tighter than a leading minus: -x^2 = -(x^2), 2^3^2 = 2^9. The variables are\n"
    "  x, y, z in that order, as many as --x0 has values (an expression that uses y needs two). Quote the\n"
    "  expression for the shell; one that starts with '-' goes in parentheses, \"(-x^2)\", or after --.\n"
    "\n";

constexpr const char* kTraceHelp =
    "Trace (--trace FILE.csv):\n"
    "  CSV (RFC 4180, CRLF line ends) after '#' lines recording the command. Header step,<variables>,loss,\n"
    "  grad_norm (e.g. step,x,y,loss,grad_norm); row k is the point after k steps (step 0 is --x0) with the\n"
    "  value and the gradient's norm there. Numbers have 17 significant digits in float64 and 9 in float32,\n"
    "  so they read back exactly. The file appears whole when the run ends (written aside, then renamed).\n"
    "\n"
    "Comparing optimizers (--compare SPEC, repeated, with --output OUT.png|OUT.svg):\n"
    "  Each SPEC is an optimizer name and its options, separated by ':', as adam:lr=0.05:betas=0.9,0.999 or\n"
    "  sgd:lr=0.002:momentum=0.9:nesterov=true. All start at --x0; their paths are drawn in one picture,\n"
    "  over the function's contour lines (two variables) or along its curve (one). --output alone draws\n"
    "  the --optimizer's path.\n"
    "\n"
    "Examples:\n"
    "  descent minimize \"x^2\" --optimizer sgd --lr 0.1 --x0 3 --steps 50\n"
    "  descent minimize rosenbrock --x0 -1.5,2 --steps 500 --compare sgd:lr=0.001:momentum=0.9 \\\n"
    "      --compare adam:lr=0.05 --output paths.png\n"
    "  descent minimize rosenbrock --optimizer sgd --lr 0.001 --momentum 0.9 --x0 -1.5,2 --steps 2000 --every 100\n"
    "  descent minimize \"(x - 1)^2 + 10*sin(y)^2\" --optimizer adam --lr 0.05 --betas 0.9,0.999 --x0 -1,2 \\\n"
    "      --steps 300 --trace walk.csv\n"
    "\n";

}  // namespace

std::string minimize_help() {
  return kAbout + test_functions_help() + "\n" + optimizers_help() + "\n" + kTraceHelp + std::string(kExitStatusHelp);
}

}  // namespace descent::cli
