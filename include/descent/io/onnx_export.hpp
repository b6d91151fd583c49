#pragma once
// ONNX export: a model in its evaluation form as an ONNX model of opset 13, for the runtimes a
// deployment uses (ONNX Runtime, OpenCV's DNN module, TensorRT), written with ONNX's own protobuf
// schema (Debian's libonnx-dev), as torch.onnx.export(model.eval(), x, path, opset_version=13,
// dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}) writes the equivalent PyTorch model.
//
//   io::export_onnx(*model, {1, 28, 28}, "lenet.onnx");
//
// The ONNX model takes one float32 input "input" of shape (N, example_shape...), N the batch size
// (named, any size): the values descent's model takes, after the data's preprocessing (pixels / 255 by
// default). Its one output "output" is the last layer's values (logits: no softmax is added). Dropout is
// the identity and batch norm uses its running statistics, whatever mode the model is in. Parameters and
// buffers become initializers under their state dict names ("0.weight", "3.running_mean"), as float32
// whatever the model's dtype. A Sequential's layers (and a Graph's, with their merges: Add, Concat) are
// exported in order; a Siamese model exports its tower, which embeds one example. Layers: Linear,
// Conv2d, MaxPool2d, AvgPool2d, Flatten, Dropout, Identity, BatchNorm1d, BatchNorm2d, LayerNorm, the
// activations (ReLU, Sigmoid, Tanh, LeakyReLU, ELU, GELU, Softplus, Hardtanh) and Softmax, LogSoftmax.
#include <cstdint>
#include <string>
#include <vector>

#include "descent/nn/module.hpp"

namespace descent::io {

// The opset the models are written for (ONNX 1.8 on, IR version 7).
inline constexpr std::int64_t kOnnxOpset = 13;

// The ONNX model's bytes (a serialized onnx.ModelProto). `example_shape` is one example's shape
// without the batch dimension: [784], [1, 28, 28]. ValueError naming the layer (its index in the
// model and its PyTorch form) when a layer has no ONNX form here; ShapeError when a layer cannot take
// its input's shape.
std::string onnx_model_bytes(const nn::Module& model, const std::vector<std::int64_t>& example_shape);

// The same, written to `path` through a temporary file renamed into place (util/atomic_file.hpp);
// IoError naming the path when it cannot be written.
void export_onnx(const nn::Module& model, const std::vector<std::int64_t>& example_shape, const std::string& path);

}  // namespace descent::io
