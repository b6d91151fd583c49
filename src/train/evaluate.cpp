#include "descent/train/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"
#include "descent/tensor/flush_denormal.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/pair_accuracy.hpp"
#include "descent/train/run.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

const char* task_name(TaskKind task) {
  switch (task) {
    case TaskKind::Classification: return "classification";
    case TaskKind::Pairs: return "pairs";
    case TaskKind::Regression: return "regression";
  }
  return "";
}

// The mean loss over `set` in chunks, each chunk's loss weighted by its examples (classify's mean).
double mean_loss(nn::Module& model, const data::Dataset& set, const LossFn& loss_fn) {
  NoGradGuard no_grad;
  double sum = 0;
  for (std::int64_t start = 0; start < set.size(); start += kEvaluationChunk) {
    const std::int64_t n = std::min(kEvaluationChunk, set.size() - start);
    sum +=
        loss_fn(model(set.input_rows(start, n)), set.targets.view_narrowed(start, n)).item() * static_cast<double>(n);
  }
  return set.size() > 0 ? sum / static_cast<double>(set.size()) : 0;
}

// The threshold is the training pairs' best, as the epoch line's (PairEvaluator): on the training split
// it is then measured on the pairs that chose it.
void evaluate_pairs(nn::Module& model, const TrainConfig& config, const TrainData& data, const data::Dataset& set,
                    const LossFn& loss_fn, Evaluation& e) {
  const nn::PairScore score = *siamese_score(config);
  const double threshold =
      best_threshold(pair_scores(model, data.train, score), similar_pairs(data.train), score).threshold;
  const std::vector<double> scores = pair_scores(model, set, score);
  const std::vector<bool> similar = similar_pairs(set);
  ConfusionMatrix confusion(2, {"dissimilar", "similar"});
  for (std::size_t i = 0; i < scores.size(); ++i)
    confusion.add(similar[i] ? 1 : 0, predicted_similar(scores[i], threshold, score) ? 1 : 0);
  e.threshold = threshold;
  e.correct = confusion.correct();
  e.confusion = std::move(confusion);
  e.loss = mean_loss(model, set, loss_fn);
}

// The loss in one pass, as the epoch line's (RegressionEvaluator), and the errors of every output value.
void evaluate_regression(nn::Module& model, const data::Dataset& set, const LossFn& loss_fn, Evaluation& e) {
  NoGradGuard no_grad;
  const Tensor output = model(set.inputs());
  e.loss = loss_fn(output, set.targets).item();
  const std::vector<double> y = output.to_vector(), t = set.targets.to_vector();
  if (y.size() != t.size())
    throw ConfigError(e.config + ": the model gives " + std::to_string(y.size()) + " output values for " +
                      std::to_string(t.size()) + " targets: expected as many to measure the error");
  double squares = 0, absolute = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    squares += (y[i] - t[i]) * (y[i] - t[i]);
    absolute += std::abs(y[i] - t[i]);
  }
  const double n = static_cast<double>(std::max<std::size_t>(y.size(), 1));
  e.mse = squares / n;
  e.mae = absolute / n;
}

std::string fixed(double v) { return util::format_number(v, ".6f"); }

void print_confusion(const ConfusionMatrix& m, std::ostream& out) {
  out << "confusion matrix (rows: true class, columns: predicted class):\n";
  std::size_t width = 1;
  for (const std::string& name : m.names()) width = std::max(width, name.size());
  for (std::int64_t t = 0; t < m.classes(); ++t)
    for (std::int64_t p = 0; p < m.classes(); ++p) width = std::max(width, std::to_string(m.at(t, p)).size());
  const auto w = static_cast<int>(width);
  out << std::setw(w) << "" << ' ';
  for (const std::string& name : m.names()) out << ' ' << std::setw(w) << name;
  out << '\n';
  for (std::int64_t t = 0; t < m.classes(); ++t) {
    out << std::setw(w) << m.names()[static_cast<std::size_t>(t)] << ' ';
    for (std::int64_t p = 0; p < m.classes(); ++p) out << ' ' << std::setw(w) << m.at(t, p);
    out << '\n';
  }
}

}  // namespace

Evaluation evaluate_checkpoint(const std::string& config_path, const EvaluateOptions& options) {
  if (options.split != "test" && options.split != "train")
    throw ConfigError("--split = " + options.split + ": expected test or train");
  const TrainConfig config = parse_config(config_path);
  const FlushDenormalGuard flush_guard(config.flush_denormal || flush_denormal());  // as the run had it
  const std::string data_dir = data_dir_for(config, options.data_dir, options.warnings ? options.warnings : &std::cerr);
  const TrainData data = load_data(config, data_dir);
  Generator init(config.seed);
  auto model = build_network(config, init);
  check_same_data(options.checkpoint, load_trained_model(options.checkpoint, config, *model).data, data.fingerprint,
                  options.warnings ? *options.warnings : std::cerr);
  model->eval();
  const LossFn loss_fn = build_loss(config);
  const data::Dataset& set = options.split == "test" ? data.test : data.train;

  Evaluation e{.config = config_path, .checkpoint = options.checkpoint, .split = options.split};
  e.task = task_kind(data);
  e.data = data.fingerprint.describe();
  e.examples = set.size();
  switch (e.task) {
    case TaskKind::Classification: {
      ConfusionMatrix confusion(config.model.output_size());
      const Classified c = classify(*model, set, loss_fn, &confusion);
      e.loss = c.loss;
      e.correct = c.correct;
      e.confusion = std::move(confusion);
      break;
    }
    case TaskKind::Pairs: evaluate_pairs(*model, config, data, set, loss_fn, e); break;
    case TaskKind::Regression: evaluate_regression(*model, set, loss_fn, e); break;
  }
  return e;
}

void print_evaluation(const Evaluation& e, std::ostream& out) {
  out << e.checkpoint << " on the " << e.split << " set: " << e.examples
      << (e.task == TaskKind::Pairs ? " pairs\n" : " examples\n");
  out << "loss " << fixed(e.loss) << "\n";
  if (e.task == TaskKind::Regression) {
    out << "mean squared error " << util::format_number(e.mse, ".6g") << ", mean absolute error "
        << util::format_number(e.mae, ".6g") << "\n";
    return;
  }
  out << "accuracy " << e.correct << " / " << e.examples << " = " << util::format_number(100 * e.accuracy(), ".2f")
      << "%";
  if (e.threshold)
    out << " (pairs called similar at a " << util::format_number(*e.threshold, ".6g")
        << " threshold, chosen on the training pairs)";
  out << "\n";
  if (e.confusion) print_confusion(*e.confusion, out);
}

std::string evaluation_json(const Evaluation& e) {
  nlohmann::ordered_json j;
  j["config"] = e.config;
  j["checkpoint"] = e.checkpoint;
  j["split"] = e.split;
  j["task"] = task_name(e.task);
  j["data"] = e.data;
  j["examples"] = e.examples;
  j["loss"] = e.loss;
  if (e.task == TaskKind::Regression) {
    j["mse"] = e.mse;
    j["mae"] = e.mae;
  } else {
    j["correct"] = e.correct;
    j["accuracy"] = e.accuracy();
  }
  if (e.threshold) j["threshold"] = *e.threshold;
  if (e.confusion) j["class_names"] = e.confusion->names();
  // A key a line, and the matrix a row a line, as it reads.
  std::string text = "{";
  for (auto it = j.begin(); it != j.end(); ++it) {
    text += it == j.begin() ? "\n  " : ",\n  ";
    text.append(nlohmann::json(it.key()).dump()).append(": ").append(it.value().dump());
  }
  if (e.confusion) {
    text += ",\n  \"confusion_matrix\": [";
    for (std::int64_t t = 0; t < e.confusion->classes(); ++t) {
      nlohmann::json row = nlohmann::json::array();
      for (std::int64_t p = 0; p < e.confusion->classes(); ++p) row.push_back(e.confusion->at(t, p));
      text.append(t ? ",\n    " : "\n    ").append(row.dump());
    }
    text += "\n  ]";
  }
  return text + "\n}\n";
}

void write_evaluation_json(const Evaluation& e, const std::string& path) {
  util::write_file_atomically(
      path, [&](std::ostream& out) { out << evaluation_json(e); }, "the evaluation");
}

}  // namespace descent::train
