#include "descent/diagnostics/trajectory_recorder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"
#include "descent/util/split.hpp"

namespace descent {
namespace {

// "0.weight[1,2]" -> ("0.weight", {1, 2}); "loss" -> ("loss", {}). Throws on malformed brackets.
std::pair<std::string, std::vector<std::int64_t>> split_index(const std::string& entry) {
  const auto open = entry.find('[');
  if (open == std::string::npos) return {entry, {}};
  if (entry.back() != ']') throw ValueError("record entry \"" + entry + "\": expected NAME[i,j,...]");
  std::vector<std::int64_t> index;
  for (std::string part : util::split(entry.substr(open + 1, entry.size() - open - 2), ',')) {
    std::erase(part, ' ');
    char* end = nullptr;
    const long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || v < 0)
      throw ValueError("record entry \"" + entry + "\": index \"" + part + "\" is not a non-negative integer");
    index.push_back(v);
  }
  return {entry.substr(0, open), index};
}

// Row-major flat position of `index` in `shape`; throws naming the entry when it does not fit.
std::int64_t flat_index(const std::string& entry, const std::vector<std::int64_t>& index, const Shape& shape) {
  if (static_cast<int>(index.size()) != shape.size())
    throw ValueError("record entry \"" + entry + "\": " + std::to_string(index.size()) + " indices for shape " +
                     to_string(shape));
  std::int64_t flat = 0;
  for (int d = 0; d < shape.size(); ++d) {
    if (index[d] >= shape[d])
      throw ValueError("record entry \"" + entry + "\": index " + std::to_string(index[d]) +
                       " out of range for shape " + to_string(shape));
    flat = flat * shape[d] + index[d];
  }
  return flat;
}

}  // namespace

TrajectoryRecorder::TrajectoryRecorder(std::vector<std::string> names, const nn::Module& model, const std::string& path,
                                       const std::vector<std::string>& comments, Dtype dtype)
    : file_(path, "the trace"), csv_(file_.stream()), number_format_(dtype == Dtype::Float32 ? ".9g" : ".17g") {
  const auto params = model.named_parameters();
  for (const auto& entry : names) {
    const auto split = split_index(entry);
    const std::string& name = split.first;  // not a structured binding: the lambda below captures it
    const std::vector<std::int64_t>& index = split.second;
    Column c{Column::Kind::Loss, Tensor(), 0, {}};
    if (name == "loss" && index.empty()) c.kind = Column::Kind::Loss;
    else if (name == "grad_norm" && index.empty()) c.kind = Column::Kind::GradNorm;
    else if (name == "lr" && index.empty()) c.kind = Column::Kind::Lr;
    else if (name == "output") {
      c.kind = Column::Kind::Output;
      c.output_index = index;  // checked against the output's shape when it is first recorded
    } else {
      auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
      if (it == params.end()) {
        std::vector<std::string> known;
        for (const auto& p : params) known.push_back(p.first);
        throw ValueError("record entry \"" + entry + "\": no parameter \"" + name +
                         "\" (parameters: " + util::join(known) + "; also output, loss, grad_norm, lr)");
      }
      c.kind = Column::Kind::Parameter;
      c.parameter = it->second;
      if (index.empty()) {
        if (it->second.numel() != 1)
          throw ValueError("record entry \"" + entry + "\": parameter of shape " + to_string(it->second.shape()) +
                           " needs an element index, e.g. " + name + "[0" +
                           std::string(it->second.dim() > 1 ? ",0" : "") + "]");
      } else {
        c.flat = flat_index(entry, index, it->second.shape());
      }
    }
    columns_.push_back(c);
  }
  for (const auto& line : comments) csv_.comment(line);
  names.insert(names.begin(), "step");
  csv_.row(names);
}

void TrajectoryRecorder::record(std::int64_t step, const StepValues& v) {
  std::vector<std::string> row = {std::to_string(step)};
  for (Column& c : columns_) {
    double value = 0;
    switch (c.kind) {
      case Column::Kind::Parameter: value = c.parameter.at(c.flat); break;
      case Column::Kind::Loss: value = v.loss; break;
      case Column::Kind::GradNorm: value = v.grad_norm; break;
      case Column::Kind::Lr: value = v.lr; break;
      case Column::Kind::Output:
        if (c.output_index.empty() && v.output.numel() != 1)
          throw ValueError("record entry \"output\": the output has shape " + to_string(v.output.shape()) +
                           "; name an element, e.g. output[0,0]");
        value = v.output.at(c.output_index.empty() ? 0 : flat_index("output", c.output_index, v.output.shape()));
        break;
    }
    row.push_back(util::format_number(value, number_format_));
  }
  csv_.row(row);
}

void TrajectoryRecorder::finish() { file_.commit(); }

double TrajectoryRecorder::grad_norm(const std::vector<Tensor>& parameters) {
  double s = 0;
  for (const Tensor& p : parameters) {
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    s += kernels::sum(kernels::binary(kernels::BinaryOp::Mul, g, g)).item();
  }
  return std::sqrt(s);
}

}  // namespace descent
