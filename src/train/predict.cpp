#include "descent/train/predict.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"
#include "descent/tensor/flush_denormal.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/model_inputs.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

// The type of the model's last layer: output_activation (the MLP form) or the last [[model.layer]].
std::string last_layer_type(const TrainConfig& config) {
  if (!config.model.layer.empty()) return config.model.layer.back().type;
  return config.model.output_activation;
}

// How the probabilities come from the output (predict.hpp).
std::string probabilities_from(const TrainConfig& config) {
  const std::string last = last_layer_type(config);
  if (last == "softmax") return "output";
  if (last == "log_softmax") return "exp";
  return "softmax";
}

std::vector<double> probabilities(const std::vector<double>& output, const std::string& how) {
  if (how == "output") return output;
  std::vector<double> p(output.size());
  if (how == "exp") {
    std::transform(output.begin(), output.end(), p.begin(), [](double v) { return std::exp(v); });
    return p;
  }
  // softmax, less the largest value first so that no exp overflows.
  const double top = *std::max_element(output.begin(), output.end());
  double sum = 0;
  for (std::size_t i = 0; i < output.size(); ++i) sum += p[i] = std::exp(output[i] - top);
  for (double& v : p) v /= sum;
  return p;
}

// The k classes of the largest outputs, best first; ties go to the lower class, as argmax takes the first.
std::vector<std::pair<std::int64_t, double>> top_classes(const std::vector<double>& output, const std::string& how,
                                                         std::int64_t k) {
  std::vector<std::int64_t> order(output.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  const auto at = [&](std::int64_t i) { return output[static_cast<std::size_t>(i)]; };
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) { return at(a) > at(b); });
  const std::vector<double> p = probabilities(output, how);
  std::vector<std::pair<std::int64_t, double>> top;
  for (std::int64_t i = 0; i < k; ++i) top.emplace_back(order[i], p[static_cast<std::size_t>(order[i])]);
  return top;
}

}  // namespace

Predictions predict(const std::string& config_path, const PredictOptions& options) {
  const TrainConfig config = parse_config(config_path);
  if (config.model.siamese != "none")
    throw ConfigError(config_path + ": model.siamese = \"" + config.model.siamese +
                      "\": expected a model of one input; a Siamese model scores pairs, which descent eval measures");
  Predictions p{.config = config_path, .checkpoint = options.checkpoint};
  p.classification = config.data.inputs.empty();
  p.probabilities = probabilities_from(config);
  const std::int64_t classes = config.model.output_size();
  const std::int64_t top = options.top > 0 ? options.top : std::min<std::int64_t>(3, classes);
  if (p.classification && (top < 1 || top > classes))
    throw ConfigError("--top = " + std::to_string(top) + ": expected an integer in [1, " + std::to_string(classes) +
                      "], the model's classes");

  const FlushDenormalGuard flush_guard(config.flush_denormal || flush_denormal());  // as training had it
  Generator init(config.seed);
  auto model = build_network(config, init);
  const TrainedModel trained = load_trained_model(options.checkpoint, config, *model);
  model->eval();
  // Every input is read before the model runs: a bad one fails the command before any output.
  std::vector<ModelInputs> inputs;
  for (const std::string& input : options.inputs)
    inputs.push_back(
        read_model_inputs(config, trained.input_stats, input, options.stdin_stream ? *options.stdin_stream : std::cin));
  NoGradGuard no_grad;
  constexpr std::int64_t kChunk = 1000;
  for (const ModelInputs& in : inputs)
    for (std::int64_t start = 0; start < in.values.size(0); start += kChunk) {
      const std::int64_t n = std::min(kChunk, in.values.size(0) - start);
      const Tensor output = (*model)(in.values.view_narrowed(start, n)).contiguous();
      const std::vector<double> values = output.to_vector();
      const std::size_t width = values.size() / static_cast<std::size_t>(n);
      for (std::int64_t i = 0; i < n; ++i) {
        Prediction item{in.names[static_cast<std::size_t>(start + i)],
                        std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(i * width),
                                            values.begin() + static_cast<std::ptrdiff_t>((i + 1) * width))};
        if (p.classification) item.top = top_classes(item.output, p.probabilities, top);
        p.items.push_back(std::move(item));
      }
    }
  return p;
}

void print_predictions(const Predictions& p, std::ostream& out) {
  for (const Prediction& item : p.items) {
    out << item.input << ":";
    if (p.classification)
      for (std::size_t i = 0; i < item.top.size(); ++i)
        out << (i ? ", " : " ") << item.top[i].first << " (" << util::format_number(item.top[i].second, ".4g") << ")";
    else
      for (double v : item.output) out << ' ' << util::format_number(v, ".6g");
    out << '\n';
  }
}

std::string predictions_json(const Predictions& p) {
  nlohmann::ordered_json head;
  head["config"] = p.config;
  head["checkpoint"] = p.checkpoint;
  if (p.classification) head["probabilities"] = p.probabilities;
  // One prediction a line: a file of 10,000 stays readable with grep and head.
  std::string text = head.dump();
  text.pop_back();
  text += ",\"predictions\":[";
  for (std::size_t i = 0; i < p.items.size(); ++i) {
    const Prediction& item = p.items[i];
    nlohmann::ordered_json one;
    one["input"] = item.input;
    if (p.classification) {
      nlohmann::ordered_json top = nlohmann::ordered_json::array();
      for (const auto& [c, probability] : item.top) top.push_back({{"class", c}, {"probability", probability}});
      one["top"] = top;
      one["logits"] = item.output;
    } else {
      one["output"] = item.output;
    }
    text += i ? ",\n " : "\n ";
    text += one.dump();
  }
  text += "\n]}\n";
  return text;
}

void write_predictions_json(const Predictions& p, const std::string& path) {
  util::write_file_atomically(
      path, [&](std::ostream& out) { out << predictions_json(p); }, "the predictions");
}

}  // namespace descent::train
