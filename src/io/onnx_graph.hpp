#pragma once
// OnnxGraph: an ONNX GraphProto (onnx/onnx_pb.h, from Debian's libonnx-dev) grown node by node, for
// the exporter's layers (onnx_layers.cpp). Private to src/io/.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent::io {

// A value of the graph: its name, and its shape without the batch dimension (which the graph names N).
struct OnnxValue {
  std::string name;
  std::vector<std::int64_t> shape;
};

class OnnxGraph {
 public:
  explicit OnnxGraph(onnx::GraphProto& graph) : graph_(graph) {}

  // Appends a node running `op` on `inputs`, named "/PATH/OP" as torch.onnx names its nodes ("/3/Relu",
  // made unique by a suffix when a layer runs the same op twice), and returns it, for its attributes.
  // Its one output is the node's name followed by "_output_0".
  onnx::NodeProto& node(std::string_view op, const std::string& path, const std::vector<std::string>& inputs);
  // The same, returning the output's name.
  std::string apply(std::string_view op, const std::string& path, const std::vector<std::string>& inputs) {
    return node(op, path, inputs).output(0);
  }

  // An initializer named `name` ("3.weight") with `tensor`'s values as float32, whatever its dtype.
  std::string initializer(const std::string& name, const Tensor& tensor);
  // A float32 scalar initializer named "/PATH/NAME" ("/5/Clip_min"), for an op's constant operand.
  std::string scalar(const std::string& path, std::string_view name, double value);
  // An int64 vector initializer named "/PATH/NAME", for Reshape's shape.
  std::string int64s(const std::string& path, std::string_view name, const std::vector<std::int64_t>& values);

  onnx::GraphProto& proto() { return graph_; }

 private:
  std::string unique(const std::string& name);

  onnx::GraphProto& graph_;
  std::map<std::string, int> uses_;  // how often each node or initializer name was asked for
};

// Attributes of a node.
void set_attribute(onnx::NodeProto& node, const std::string& name, std::int64_t value);
void set_attribute(onnx::NodeProto& node, const std::string& name, float value);
void set_attribute(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values);

}  // namespace descent::io
