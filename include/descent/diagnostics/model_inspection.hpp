#pragma once
// Looking at a model before any step: its layers in order (outline()), what its output feeds into the
// loss (a softmax before a loss that applies its own), whether it has any nonlinearity, and its
// initial weights (constant tensors, a scale far from what the depth needs). Thresholds and why:
// docs/diagnosis.md.
#include <string>
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/nn/module.hpp"

namespace descent::diagnostics {

enum class LayerKind {
  Weight,      // Linear, Conv2d: has a weight the optimizer trains
  Relu,        // ReLU: a unit is dead when it is zero for every example
  Saturating,  // Sigmoid, Tanh, Hardtanh: a unit is saturated at its flat ends
  Softmax,     // Softmax
  LogSoftmax,  // LogSoftmax
  Nonlinear,   // any other nonlinearity (LeakyReLU, ELU, GELU, max pooling, LayerNorm, ...)
  Linear       // no nonlinearity: Flatten, Dropout, Identity, average pooling, BatchNorm
};

struct LayerOutline {
  std::string name;      // the child's name, which prefixes its parameters: "0"
  std::string describe;  // as PyTorch prints it: "ReLU()"
  LayerKind kind;
  bool hidden = false;  // a weight layer comes after it: its units feed the rest of the model
};

// The children of the model's Sequential, or of a Siamese model's tower, in order; empty for a model
// of another structure (the checks that need an outline then say nothing).
std::vector<LayerOutline> outline(const nn::Module& model);
// The Sequential outline() reads, or null.
nn::Module* outlined_module(nn::Module& model);

// loss_output_mismatch: the last layer is a softmax or sigmoid (or a log-softmax) and `loss` (a name of
// nn::loss_types()) applies its own (cross_entropy, bce_with_logits), or expects log-probabilities
// (nll) after a plain softmax or none; or bce after no sigmoid. linear_model: two or more weight
// layers and no nonlinearity between any of them: the model is one linear map. `where` names the
// layer (its child name).
std::vector<Finding> inspect_structure(const std::vector<LayerOutline>& layers, const std::string& loss);

// bad_init: a weight tensor whose elements are all equal (zeros, a constant) in a layer whose units
// feed another weight layer: the units stay identical copies of each other, a problem. A weight whose
// scale std * sqrt(fan_in) is above 4 or below 0.05 (PyTorch's default gives 0.58, Kaiming's 1.41):
// a warning, since the activations then grow or shrink layer by layer and saturate or vanish; the
// watch of training confirms or not.
std::vector<Finding> inspect_weights(const nn::Module& model, const std::vector<LayerOutline>& layers);

}  // namespace descent::diagnostics
