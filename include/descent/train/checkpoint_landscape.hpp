#pragma once
// `descent landscape`: the loss along a line (or over a plane) through a checkpoint's weights
// (diagnostics/landscape.hpp), on the first training examples of the config it was trained with,
// written as CSV (a,loss or a,b,loss) and drawn as a curve or contour lines.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace descent::train {

struct CheckpointLandscapeOptions {
  std::string checkpoint = {};               // written by descent train --save
  std::string direction = "gradient";        // gradient or random (a line), or two separated by a comma (a plane)
  std::optional<double> span = {};           // default diagnostics::LandscapeOptions's
  std::optional<std::int64_t> points = {};   // per axis; likewise
  std::int64_t batch = 1000;                 // the loss is taken on the first `batch` training examples
  std::optional<std::uint64_t> seed = {};    // of random directions; default train.seed
  std::string output = {};                   // the picture: .png or .svg
  std::optional<std::string> csv = {};       // default: `output` with .csv
  std::optional<std::string> data_dir = {};  // else $DESCENT_DATA, else Debian's (resolve_data_dir)
  std::ostream* warnings = nullptr;  // a checkpoint that records no data set is warned about here; null: std::cerr
};

// Writes the CSV and the picture, then one line to `out` naming both. Throws ConfigError for a bad
// direction or a checkpoint that does not fit the config's model, IoError for unreadable files, outputs
// that cannot be written (checked first) and a checkpoint trained on other data than the config's
// (train/data_fingerprint.hpp: without --data-dir an MNIST checkpoint would be evaluated on Fashion-MNIST).
void draw_checkpoint_landscape(const std::string& config_path, const CheckpointLandscapeOptions& options,
                               std::ostream& out);

}  // namespace descent::train
