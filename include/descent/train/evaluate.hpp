#pragma once
// `descent eval`: a checkpoint's model measured on the test or the training set of the config it was
// trained with, as training measures it after each epoch (train/evaluator.hpp, so the figures are the
// epoch line's), with a confusion matrix where there are classes:
//   classification: the mean loss, the right answers (the output's argmax against the label) and the
//     confusion matrix of the classes;
//   pairs (model.siamese): the mean loss, the pairs right at the threshold chosen on the training pairs
//     (train/pair_accuracy.hpp), and a 2 x 2 confusion matrix (dissimilar, similar);
//   regression (inline examples, float targets): the loss, and the mean squared and mean absolute error
//     over every output value.
//   Evaluation e = evaluate_checkpoint("mnist.toml", {.checkpoint = "mnist.safetensors"});
//   print_evaluation(e, std::cout);
//   write_evaluation_json(e, "eval.json");   // descent plot eval.json draws the confusion matrix
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "descent/train/confusion_matrix.hpp"
#include "descent/train/evaluator.hpp"

namespace descent::train {

struct EvaluateOptions {
  std::string checkpoint = {};               // written by descent train --save
  std::string split = "test";                // "test", or "train" (the training set less [data] validation)
  std::optional<std::string> data_dir = {};  // else $DESCENT_DATA, else Debian's (resolve_data_dir)
  std::ostream* warnings = nullptr;  // a checkpoint that records no data set is warned about here; null: std::cerr
};

struct Evaluation {
  std::string config = {}, checkpoint = {}, split = {};
  TaskKind task = TaskKind::Classification;
  std::string data = {};                          // the data set read, as DataFingerprint::describe gives it
  std::int64_t examples = 0;                      // examples (pairs) measured
  double loss = 0;                                // the mean loss
  std::int64_t correct = 0;                       // classification and pairs: the right answers
  std::optional<double> threshold = {};           // pairs: the score threshold of a similar pair
  std::optional<ConfusionMatrix> confusion = {};  // classification and pairs
  double mse = 0, mae = 0;                        // regression: over every output value

  double accuracy() const { return examples > 0 ? static_cast<double>(correct) / static_cast<double>(examples) : 0; }
};

// Throws ConfigError for a bad split, a config that does not parse or a checkpoint that does not fit its
// model, IoError for unreadable files and a checkpoint trained on other data than the config's
// (train/data_fingerprint.hpp).
Evaluation evaluate_checkpoint(const std::string& config_path, const EvaluateOptions& options);

// The figures as lines of text: the set, the loss, the accuracy or errors, the confusion matrix.
void print_evaluation(const Evaluation& e, std::ostream& out);

// As JSON: config, checkpoint, split, task ("classification", "pairs", "regression"), data, examples,
// loss; correct and accuracy (classification, pairs), threshold (pairs), mse and mae (regression);
// class_names and confusion_matrix (rows: true class, columns: predicted class) where there are
// classes. Numbers in full precision.
std::string evaluation_json(const Evaluation& e);
// evaluation_json written atomically (util/atomic_file.hpp); IoError when it cannot be.
void write_evaluation_json(const Evaluation& e, const std::string& path);

}  // namespace descent::train
