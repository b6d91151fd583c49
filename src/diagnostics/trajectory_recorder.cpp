#include "descent/diagnostics/trajectory_recorder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"

namespace descent {
namespace {

// "0.weight[1,2]" -> ("0.weight", {1, 2}); "loss" -> ("loss", {}). Throws on malformed brackets.
std::pair<std::string, std::vector<std::int64_t>> split_index(const std::string& entry) {
  const auto open = entry.find('[');
  if (open == std::string::npos) return {entry, {}};
  if (entry.back() != ']') throw ValueError("record entry \"" + entry + "\": expected NAME[i,j,...]");
  std::vector<std::int64_t> index;
  std::stringstream inner(entry.substr(open + 1, entry.size() - open - 2));
  for (std::string part; std::getline(inner, part, ',');) {
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
      throw ValueError("record entry \"" + entry + "\": index " + std::to_string(index[d]) + " out of range for shape " +
                       to_string(shape));
    flat = flat * shape[d] + index[d];
  }
  return flat;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

TrajectoryRecorder::TrajectoryRecorder(std::vector<std::string> names, const nn::Module& model, std::string path,
                                       std::vector<std::string> comments, Dtype dtype)
    : path_(std::move(path)), digits_(dtype == Dtype::Float32 ? 9 : 17) {
  const auto params = model.named_parameters();
  for (const auto& entry : names) {
    auto [name, index] = split_index(entry);
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
        std::string known;
        for (const auto& p : params) known += (known.empty() ? "" : ", ") + p.first;
        throw ValueError("record entry \"" + entry + "\": no parameter \"" + name + "\" (parameters: " + known +
                         "; also output, loss, grad_norm, lr)");
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
  partial_ = path_ + ".partial";
  out_.open(partial_, std::ios::trunc);
  if (!out_) throw IoError(path_ + ": cannot open the trace file for writing");
  for (const auto& line : comments) out_ << "# " << line << '\n';
  out_ << "step";
  for (const auto& n : names) out_ << ',' << csv_field(n);
  out_ << '\n';
}

TrajectoryRecorder::~TrajectoryRecorder() {
  if (finished_) return;
  out_.close();
  std::error_code ec;
  std::filesystem::remove(partial_, ec);
}

void TrajectoryRecorder::record(std::int64_t step, const StepValues& v) {
  out_ << step;
  char buf[40];
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
    std::snprintf(buf, sizeof buf, "%.*g", digits_, value);
    out_ << ',' << buf;
  }
  out_ << '\n';
}

void TrajectoryRecorder::finish() {
  out_.close();
  if (!out_) throw IoError(path_ + ": writing the trace failed");
  std::filesystem::rename(partial_, path_);
  finished_ = true;
}

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
