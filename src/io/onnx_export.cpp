#include "descent/io/onnx_export.hpp"

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "descent/error.hpp"
#include "descent/nn/graph.hpp"
#include "descent/nn/siamese.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/join.hpp"
#include "onnx_graph.hpp"
#include "onnx_layers.hpp"

namespace descent::io {
namespace {

// The IR version of ONNX 1.8, the release that brought opset 13: the oldest runtime that reads the
// opset reads the file.
constexpr std::int64_t kIrVersion = 7;

std::string child_path(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

// The layer kinds with an ONNX form, for the message naming one without.
std::string exportable_kinds() {
  std::vector<std::string_view> names;
  for (const LayerExport& e : layer_exports()) names.push_back(e.name);
  for (const LayerExport& e : activation_exports()) names.push_back(e.name);
  names.insert(names.end(), {"Add", "Concat", "Sequential", "Graph", "Siamese (its tower)"});
  return util::join(names);
}

OnnxValue export_module(const nn::Module& module, const std::string& path, const OnnxValue& x, OnnxGraph& g);

// A Graph's layers, each taking the previous output or an earlier one, merge layers joining several.
OnnxValue export_graph(const nn::Graph& graph, const std::string& path, OnnxValue x, OnnxGraph& g) {
  std::vector<OnnxValue> outputs;
  for (std::size_t i = 0; i < graph.size(); ++i) {
    const nn::GraphInputs in = graph.inputs_of(i);
    const std::string layer_path = child_path(path, std::to_string(i));
    if (in.input) x = outputs[*in.input];
    if (in.merged.empty()) {
      x = export_module(*graph[i], layer_path, x, g);
    } else {
      std::vector<OnnxValue> merged = {x};
      for (std::size_t j : in.merged) merged.push_back(outputs[j]);
      x = export_merge(static_cast<const nn::Merge&>(*graph[i]), layer_path, merged, g);
    }
    outputs.push_back(x);
  }
  return x;
}

OnnxValue export_module(const nn::Module& module, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  // The tower's names as the tower's own state dict gives them ("0.weight"): the model exported is the
  // tower, which embeds one example.
  if (const auto* siamese = dynamic_cast<const nn::Siamese*>(&module))
    return export_module(*siamese->tower(), path, x, g);
  if (const auto* graph = dynamic_cast<const nn::Graph*>(&module)) return export_graph(*graph, path, x, g);
  if (const auto* sequential = dynamic_cast<const nn::Sequential*>(&module)) {
    OnnxValue y = x;
    for (std::size_t i = 0; i < sequential->size(); ++i)
      y = export_module(*(*sequential)[i], child_path(path, std::to_string(i)), y, g);
    return y;
  }
  if (const auto* merge = dynamic_cast<const nn::Merge*>(&module)) return export_merge(*merge, path, {x}, g);
  for (const auto& table : {layer_exports(), activation_exports()})
    for (const LayerExport& e : table)
      if (std::optional<OnnxValue> y = e.apply(module, path, x, g)) return *y;
  throw ValueError("ONNX export: " + layer_text(module, path) +
                   ": no ONNX form for this layer (exportable: " + exportable_kinds() + ")");
}

// A float32 tensor of shape (N, dims...), N named.
void set_batch_type(onnx::ValueInfoProto& value, const std::string& name, const std::vector<std::int64_t>& dims) {
  value.set_name(name);
  onnx::TypeProto::Tensor& type = *value.mutable_type()->mutable_tensor_type();
  type.set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto& shape = *type.mutable_shape();
  shape.add_dim()->set_dim_param("N");
  for (std::int64_t d : dims) shape.add_dim()->set_dim_value(d);
}

// Gives the value `from` the name `to` wherever a node makes or takes it.
void rename_value(onnx::GraphProto& graph, const std::string& from, const std::string& to) {
  for (onnx::NodeProto& node : *graph.mutable_node()) {
    for (std::string& name : *node.mutable_input())
      if (name == from) name = to;
    for (std::string& name : *node.mutable_output())
      if (name == from) name = to;
  }
}

}  // namespace

std::string onnx_model_bytes(const nn::Module& model, const std::vector<std::int64_t>& example_shape) {
  onnx::ModelProto proto;
  proto.set_ir_version(kIrVersion);
  proto.set_producer_name("descent");
  onnx::OperatorSetIdProto& opset = *proto.add_opset_import();
  opset.set_domain("");
  opset.set_version(kOnnxOpset);
  onnx::GraphProto& graph = *proto.mutable_graph();
  graph.set_name("descent");
  OnnxGraph g(graph);
  const OnnxValue input{"input", example_shape};
  const OnnxValue output = export_module(model, "", input, g);
  // The last layer's output is the graph's, named "output"; a model that passes its input on (no
  // layers, or dropout alone) copies it.
  if (output.name == input.name) {
    onnx::NodeProto& node = g.node("Identity", "output", {input.name});
    rename_value(graph, node.output(0), "output");
  } else {
    rename_value(graph, output.name, "output");
  }
  set_batch_type(*graph.add_input(), input.name, input.shape);
  set_batch_type(*graph.add_output(), "output", output.shape);
  std::string bytes;
  if (!proto.SerializeToString(&bytes))
    throw ValueError("ONNX export: the model does not serialize (over protobuf's 2 GiB limit?)");
  return bytes;
}

void export_onnx(const nn::Module& model, const std::vector<std::int64_t>& example_shape, const std::string& path) {
  const std::string bytes = onnx_model_bytes(model, example_shape);
  util::write_file_atomically(
      path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); },
      "the ONNX model");
}

}  // namespace descent::io
