#pragma once
// `descent plot FILE... --output OUT.png|OUT.svg`: metrics (JSON Lines) and traces (CSV) as pictures.
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace descent::cli {

class PlotCommand {
 public:
  explicit PlotCommand(CLI::App& parent);
  bool selected() const;
  int run(std::ostream& out) const;

 private:
  CLI::App* app_;
  std::vector<std::string> files_;
  std::string output_;
  std::string title_;
};

}  // namespace descent::cli
