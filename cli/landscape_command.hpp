#pragma once
// `descent landscape CONFIG.toml --checkpoint FILE --direction gradient|random[,gradient|random] [flags]`:
// the loss along a line (or over a plane) through a checkpoint's weights, as CSV and a picture.
#include <optional>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

class LandscapeCommand {
 public:
  explicit LandscapeCommand(CLI::App& parent);
  bool selected() const;
  int run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* app_;
  std::string config_path_, checkpoint_path_, direction_ = "gradient", output_;
  std::optional<std::string> data_dir_, span_, points_, batch_, seed_, csv_;
};

}  // namespace descent::cli
