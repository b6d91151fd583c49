#include "descent/diagnostics/model_inspection.hpp"

#include <algorithm>
#include <cmath>

#include "descent/nn/sequential.hpp"
#include "descent/nn/siamese.hpp"
#include "descent/util/number_text.hpp"

namespace descent::diagnostics {
namespace {

using util::short_number;

bool starts(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// By the name PyTorch prints: the module types descent has, and a user's own, which count as nonlinear.
LayerKind kind_of(const std::string& d) {
  if (starts(d, "Linear(") || starts(d, "Conv2d(") || starts(d, "Conv1d(")) return LayerKind::Weight;
  if (starts(d, "ReLU(")) return LayerKind::Relu;
  if (starts(d, "Sigmoid(") || starts(d, "Tanh(") || starts(d, "Hardtanh(")) return LayerKind::Saturating;
  if (starts(d, "Softmax(")) return LayerKind::Softmax;
  if (starts(d, "LogSoftmax(")) return LayerKind::LogSoftmax;
  for (std::string_view linear :
       {"Flatten(", "Dropout(", "Identity(", "AvgPool2d(", "BatchNorm1d(", "BatchNorm2d(", "Add(", "Concat("})
    if (starts(d, linear)) return LayerKind::Linear;
  return LayerKind::Nonlinear;
}

Finding mismatch(const LayerOutline& last, const std::string& loss, const std::string& why) {
  Finding f;
  f.cause = "loss_output_mismatch";
  f.where = last.name;
  f.evidence = "the model ends in " + last.describe + " and the loss is " + loss + ", which " + why;
  return f;
}

}  // namespace

nn::Module* outlined_module(nn::Module& model) {
  if (dynamic_cast<nn::Sequential*>(&model)) return &model;
  if (auto* siamese = dynamic_cast<nn::Siamese*>(&model))
    if (dynamic_cast<nn::Sequential*>(siamese->tower().get())) return siamese->tower().get();
  return nullptr;
}

std::vector<LayerOutline> outline(const nn::Module& model) {
  std::vector<LayerOutline> layers;
  const nn::Module* m = outlined_module(const_cast<nn::Module&>(model));
  if (!m) return layers;
  for (const auto& [name, child] : m->named_children())
    layers.push_back({name, child->describe(), kind_of(child->describe())});
  bool weight_after = false;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
    it->hidden = weight_after && it->kind != LayerKind::Weight;
    weight_after = weight_after || it->kind == LayerKind::Weight;
  }
  return layers;
}

std::vector<Finding> inspect_structure(const std::vector<LayerOutline>& layers, const std::string& loss) {
  std::vector<Finding> out;
  if (layers.empty()) return out;
  // The last layer that changes values (Dropout, Flatten and Identity pass them through).
  auto last = std::find_if(layers.rbegin(), layers.rend(), [](const LayerOutline& l) {
    return !(starts(l.describe, "Dropout(") || starts(l.describe, "Flatten(") || starts(l.describe, "Identity("));
  });
  if (last != layers.rend()) {
    const bool sigmoid = starts(last->describe, "Sigmoid(");
    if (loss == "cross_entropy" && (last->kind == LayerKind::Softmax || last->kind == LayerKind::LogSoftmax || sigmoid))
      out.push_back(mismatch(*last, loss,
                             "applies log_softmax itself: the model's own squashing flattens the logits, so the "
                             "loss cannot fall far and its gradients shrink"));
    else if (loss == "bce_with_logits" && sigmoid)
      out.push_back(mismatch(*last, loss,
                             "applies its own sigmoid: the outputs are squashed twice and stay between "
                             "sigmoid(0) and sigmoid(1)"));
    else if (loss == "nll" && last->kind != LayerKind::LogSoftmax)
      out.push_back(mismatch(*last, loss,
                             "expects log-probabilities (a LogSoftmax last): it maximises the raw output of the "
                             "right class, without bound"));
    else if (loss == "bce" && !sigmoid)
      out.push_back(mismatch(*last, loss, "expects probabilities in [0, 1] (a Sigmoid last)"));
    if (!out.empty()) {
      out.back().fix_text = loss == "nll" ? "end the model in log_softmax, or use cross_entropy on the raw outputs"
                                          : "remove the last " + last->describe + ": the loss applies its own";
    }
  }
  std::size_t weights = 0;
  bool nonlinear_between = false;
  for (const LayerOutline& l : layers) {
    if (l.kind == LayerKind::Weight) {
      ++weights;
    } else if (weights > 0 && l.hidden && l.kind != LayerKind::Linear) {
      nonlinear_between = true;
    }
  }
  if (weights >= 2 && !nonlinear_between) {
    Finding f;
    f.cause = "linear_model";
    f.where = "model";
    f.evidence = std::to_string(weights) +
                 " weight layers with no nonlinearity between them: together they are one linear map, whatever "
                 "their sizes, and can separate only what a single linear layer can";
    f.fix_text = "put an activation (relu) after every hidden layer";
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> inspect_weights(const nn::Module& model, const std::vector<LayerOutline>& layers) {
  std::vector<Finding> out;
  for (const auto& [name, p] : model.named_parameters()) {
    if (p.dim() < 2 || name.size() < 7 || name.compare(name.size() - 7, 7, ".weight") != 0) continue;
    const std::vector<double> w = p.to_vector();
    const std::int64_t fan_in = p.numel() / p.shape()[0];
    double sum = 0, sq = 0;
    for (double x : w) sum += x;
    const double mean = sum / static_cast<double>(w.size());
    for (double x : w) sq += (x - mean) * (x - mean);
    const double std = std::sqrt(sq / static_cast<double>(w.size()));
    // Does this layer feed another weight layer? Its child is the name's prefix before ".weight".
    const std::string child = name.substr(0, name.size() - 7);
    const std::string layer = child.rfind("tower.", 0) == 0 ? child.substr(6) : child;
    auto it = std::find_if(layers.begin(), layers.end(), [&](const LayerOutline& l) { return l.name == layer; });
    const bool hidden = it != layers.end() && std::any_of(it + 1, layers.end(), [](const LayerOutline& l) {
                          return l.kind == LayerKind::Weight;
                        });
    const bool constant = std::all_of(w.begin(), w.end(), [&](double x) { return x == w.front(); });
    // Zeros in a layer known to feed no other (logistic or linear regression, an output layer) are fine:
    // each output's gradient differs, so nothing stays symmetric. Where the outline does not know the
    // layer, zeros are still suspect.
    const bool unknown = it == layers.end();
    if (constant && w.size() > 1 && (hidden || (unknown && w.front() == 0.0))) {
      Finding f;
      f.cause = "bad_init";
      f.where = name;
      f.evidence = name + " starts with every element " + short_number(w.front()) +
                   (hidden ? ": its units compute the same function, get the same gradient and stay copies of "
                             "each other"
                           : ": every output starts the same");
      f.fix_text = "initialise the weights at random (PyTorch's default)";
      out.push_back(std::move(f));
      continue;
    }
    const double scale = std * std::sqrt(static_cast<double>(fan_in));
    if (scale > 4 || (scale < 0.05 && !constant)) {
      Finding f;
      f.cause = "bad_init";
      f.severity = Severity::Warning;
      f.where = name;
      f.evidence = name + " starts with standard deviation " + short_number(std) + " for fan-in " +
                   std::to_string(fan_in) + " (std x sqrt(fan_in) = " + short_number(scale) +
                   "; PyTorch's default gives 0.58, Kaiming's 1.41): activations " + (scale > 4 ? "grow" : "shrink") +
                   " by about that factor in each layer";
      f.suggestion = {scale};
      f.fix_text = "use PyTorch's default init (or kaiming_uniform before relu, xavier_uniform before tanh/sigmoid)";
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace descent::diagnostics
