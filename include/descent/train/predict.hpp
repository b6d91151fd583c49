#pragma once
// `descent predict`: a checkpoint's model applied to inputs given as files (train/model_inputs.hpp:
// IDX files, grey PNG or PGM images, or "-" for input values on stdin), the top classes of each with
// their probabilities.
// Probabilities: the softmax of the model's output, as F.softmax(model(x), dim=1) in PyTorch, when the
// output is logits (the model ends in a linear layer: cross_entropy training) or any other score; the
// output itself when the model already ends in softmax; exp(output) when it ends in log_softmax. All
// three keep the output's order, so the top class is always the output's argmax, the class descent eval
// counts. For a model whose output is not logits (Nielsen's sigmoid layer trained with mse) the softmax
// ranks the classes as the output does but is no calibrated probability.
// A model trained on inline examples (regression) gives its output values, with no classes.
//   Predictions p = predict("mnist.toml", {.checkpoint = "mnist.safetensors", .inputs = {"seven.png"}});
//   p.items[0].top[0].first == 7
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace descent::train {

struct PredictOptions {
  std::string checkpoint = {};           // written by descent train --save
  std::vector<std::string> inputs = {};  // IDX files, PNG or PGM images, "-" (stdin)
  std::int64_t top = 0;  // classes listed per input, best first, at most the model's; 0: 3 (or all, when fewer)
  std::istream* stdin_stream = nullptr;  // where "-" reads; null: std::cin
};

struct Prediction {
  std::string input;           // "digit.png", "t10k-images-idx3-ubyte.gz[3]", "-"
  std::vector<double> output;  // the model's output values, as computed (logits for a linear last layer)
  std::vector<std::pair<std::int64_t, double>> top = {};  // (class, probability), best first
};

struct Predictions {
  std::string config = {}, checkpoint = {};
  bool classification = true;             // false: a model trained on inline examples, outputs only
  std::string probabilities = "softmax";  // how they come from the output: "softmax", "output" or "exp"
  std::vector<Prediction> items = {};
};

// Throws ConfigError for a --top outside [1, classes], a Siamese model (it scores pairs) and a
// checkpoint that does not fit the config's model, IoError for inputs that cannot be read or do not
// fit the model (train/model_inputs.hpp) and unreadable checkpoints.
Predictions predict(const std::string& config_path, const PredictOptions& options);

// One line per input: "digit.png: 7 (0.9812), 3 (0.0101), 9 (0.00502)", or its output values.
void print_predictions(const Predictions& p, std::ostream& out);

// As JSON: config, checkpoint, probabilities (as above) and predictions, one per input in order:
// input, top (a list of {class, probability}) and logits (every output value), or output (regression).
// Numbers in full precision: each value reads back as the double it was, and the float32 it came from.
std::string predictions_json(const Predictions& p);
void write_predictions_json(const Predictions& p, const std::string& path);  // atomically

}  // namespace descent::train
