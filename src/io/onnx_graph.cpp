#include "onnx_graph.hpp"

#include <utility>

namespace descent::io {

std::string OnnxGraph::unique(const std::string& name) {
  const int n = uses_[name]++;
  return n == 0 ? name : name + "_" + std::to_string(n);
}

onnx::NodeProto& OnnxGraph::node(std::string_view op, const std::string& path, const std::vector<std::string>& inputs) {
  onnx::NodeProto& n = *graph_.add_node();
  n.set_op_type(std::string(op));
  n.set_name(unique(std::string("/").append(path).append("/").append(op)));
  for (const std::string& input : inputs) n.add_input(input);
  n.add_output(n.name() + "_output_0");
  return n;
}

std::string OnnxGraph::initializer(const std::string& name, const Tensor& tensor) {
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (std::int64_t d : tensor.shape()) t.add_dims(d);
  // to_vector gives the elements in row-major order, as ONNX stores them, from any view and dtype.
  const std::vector<double> values = tensor.to_vector();
  auto& data = *t.mutable_float_data();
  data.Reserve(static_cast<int>(values.size()));
  for (double v : values) data.Add(static_cast<float>(v));
  return name;
}

std::string OnnxGraph::scalar(const std::string& path, std::string_view name, double value) {
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(unique(std::string("/").append(path).append("/").append(name)));
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_float_data(static_cast<float>(value));
  return t.name();
}

std::string OnnxGraph::int64s(const std::string& path, std::string_view name, const std::vector<std::int64_t>& values) {
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(unique(std::string("/").append(path).append("/").append(name)));
  t.set_data_type(onnx::TensorProto::INT64);
  t.add_dims(static_cast<std::int64_t>(values.size()));
  for (std::int64_t v : values) t.add_int64_data(v);
  return t.name();
}

void set_attribute(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
}

void set_attribute(onnx::NodeProto& node, const std::string& name, float value) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(value);
}

void set_attribute(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (std::int64_t v : values) a.add_ints(v);
}

}  // namespace descent::io
