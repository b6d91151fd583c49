#pragma once
// The ONNX form of each layer kind (opset 13), one table per file: onnx_layers.cpp (linear,
// convolution, pooling, reshaping, normalization, merges) and onnx_activations.cpp. Each entry appends
// the layer's nodes and initializers to the graph and returns its output with its shape. Private to
// src/io/.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/nn/merge.hpp"
#include "descent/nn/module.hpp"
#include "onnx_graph.hpp"

namespace descent::io {

// `path` is the layer's name in the state dict ("3", "" for a model that is one layer): its tensors are
// the initializers PATH.weight, PATH.running_mean, ... and its nodes are named "/PATH/OP".
using LayerExportFn = std::optional<OnnxValue> (*)(const nn::Module& module, const std::string& path,
                                                   const OnnxValue& x, OnnxGraph& graph);

struct LayerExport {
  std::string_view name;  // PyTorch's class name: "Linear"
  LayerExportFn apply;    // nullopt when the module is not of this kind
};

// An entry's function from one that takes the module as an M.
template <class M, OnnxValue (*F)(const M&, const std::string&, const OnnxValue&, OnnxGraph&)>
std::optional<OnnxValue> for_module(const nn::Module& module, const std::string& path, const OnnxValue& x,
                                    OnnxGraph& graph) {
  const auto* m = dynamic_cast<const M*>(&module);
  if (m == nullptr) return std::nullopt;
  return F(*m, path, x, graph);
}

std::span<const LayerExport> layer_exports();
std::span<const LayerExport> activation_exports();

// A merge layer (Add, Concat): `inputs` are the previous layer's output, then the earlier outputs it
// joins, in order.
OnnxValue export_merge(const nn::Merge& merge, const std::string& path, const std::vector<OnnxValue>& inputs,
                       OnnxGraph& graph);

// "PATH.NAME", or NAME alone for the root: the state dict's name of a layer's tensor.
std::string tensor_name(const std::string& path, std::string_view name);
// "layer 3 (Linear(in_features=400, out_features=120, bias=True))": a layer as messages name it.
std::string layer_text(const nn::Module& module, const std::string& path);

}  // namespace descent::io
