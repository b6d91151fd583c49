#include "descent/diagnostics/model_summary.hpp"

#include <map>

#include "descent/autograd/grad_mode.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"

namespace descent::diagnostics {
namespace {

// torchinfo's columns: the layer's name padded to 40, the others to 25, each followed by a space.
constexpr std::size_t kNameWidth = 41, kShapeWidth = 26;

std::string rule() { return std::string(90, '=') + "\n"; }

// "Linear" of "Linear(in_features=784, out_features=30, bias=True)".
std::string type_of(const nn::Module& m) {
  const std::string d = m.describe();
  return d.substr(0, d.find('('));
}

// The parameters a module registered itself: its named_parameters() whose names hold no child's prefix.
std::int64_t own_params(const nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& [name, t] : m.named_parameters())
    if (name.find('.') == std::string::npos) n += t.numel();
  return n;
}

// 23,550: torchinfo's f"{n:,}".
std::string grouped(std::int64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const std::size_t left = digits.size() - i;  // digits from here to the end
    if (i > 0 && digits[i - 1] != '-' && left % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  if (shape.empty()) return "--";
  std::vector<std::string> parts;
  for (std::int64_t d : shape) parts.push_back(std::to_string(d));
  std::string text = "[";
  return text.append(util::join(parts)).append("]");
}

std::string padded(std::string text, std::size_t width) {
  // The tree's box-drawing characters are 3 bytes and one column each.
  std::size_t columns = 0;
  for (unsigned char c : text) columns += (c & 0xC0) != 0x80;
  if (columns < width) text.append(width - columns, ' ');
  return text;
}

// Every Sequential of the tree reports each child's output shape while the summary runs.
class ShapeHooks {
 public:
  explicit ShapeHooks(nn::Module& root) { attach(root); }
  ~ShapeHooks() {
    for (nn::Sequential* s : hooked_) s->set_forward_hook({});
  }
  ShapeHooks(const ShapeHooks&) = delete;
  ShapeHooks& operator=(const ShapeHooks&) = delete;

  // A Sequential returns its last child's output: the shape of one its parent did not see (a Siamese
  // model's tower).
  const std::map<const nn::Module*, std::vector<std::int64_t>>& shapes() {
    for (nn::Sequential* s : hooked_)
      if (!shapes_.contains(s) && s->size() > 0)
        if (auto it = shapes_.find((*s)[s->size() - 1].get()); it != shapes_.end()) shapes_[s] = it->second;
    return shapes_;
  }
  void seen(const nn::Module* m, const Tensor& out) {
    shapes_[m] = std::vector<std::int64_t>(out.shape().begin(), out.shape().end());
  }

 private:
  void attach(nn::Module& m) {
    if (auto* s = dynamic_cast<nn::Sequential*>(&m)) {
      hooked_.push_back(s);
      s->set_forward_hook([this, s](std::size_t i, const Tensor& out) { seen((*s)[i].get(), out); });
    }
    for (const auto& [name, child] : m.named_children()) attach(*child);
  }

  std::vector<nn::Sequential*> hooked_;
  std::map<const nn::Module*, std::vector<std::int64_t>> shapes_;
};

void collect(const nn::Module& m, int depth, const std::string& index, ShapeHooks& hooks,
             std::vector<SummaryRow>& rows) {
  SummaryRow row{.depth = depth, .type = type_of(m), .index = index, .shape = {}, .params = own_params(m)};
  if (auto it = hooks.shapes().find(&m); it != hooks.shapes().end()) row.shape = it->second;
  rows.push_back(std::move(row));
  // torchinfo numbers the modules of each depth in the order they appear, across parents.
  for (const auto& [name, child] : m.named_children()) {
    std::int64_t at_depth = 1;
    for (const SummaryRow& r : rows) at_depth += r.depth == depth + 1;
    collect(*child, depth + 1, std::to_string(depth + 1) + "-" + std::to_string(at_depth), hooks, rows);
  }
}

std::string megabytes(double bytes) { return util::format_number(bytes / 1e6, ".2f"); }

}  // namespace

ModelSummary summarize(nn::Module& model, const std::vector<std::int64_t>& input_shape, Dtype dtype) {
  ModelSummary s;
  s.input_shape = input_shape;
  s.dtype = dtype;
  const bool was_training = model.is_training();
  model.eval();
  std::vector<std::int64_t> output;
  {
    ShapeHooks hooks(model);
    NoGradGuard no_grad;
    Shape shape;
    for (std::int64_t d : input_shape) shape.push_back(d);
    const Tensor out = model.forward(zeros(shape, dtype));
    hooks.seen(&model, out);
    collect(model, 0, "", hooks, s.rows);
  }
  model.train(was_training);
  for (const auto& [name, t] : model.named_parameters()) {
    s.total_params += t.numel();
    if (t.requires_grad()) s.trainable_params += t.numel();
  }
  return s;
}

std::string to_string(const ModelSummary& s) {
  std::string out = rule();
  out.append(padded("Layer (type:depth-idx)", kNameWidth))
      .append(padded("Output Shape", kShapeWidth))
      .append("Param #\n")
      .append(rule());
  for (const SummaryRow& r : s.rows) {
    // torchinfo's tree: "├─" at depth 1, "│    └─" at depth 2, "│    │    └─" at depth 3, ...
    std::string name;
    for (int d = 1; d < r.depth; ++d) name.append("│    ");
    if (r.depth == 1) name.append("├─");
    if (r.depth > 1) name.append("└─");
    name.append(r.type);
    if (!r.index.empty()) name.append(": ").append(r.index);
    out.append(padded(name, kNameWidth))
        .append(padded(shape_text(r.shape), kShapeWidth))
        .append(r.params > 0 ? grouped(r.params) : "--")
        .append("\n");
  }
  const double item = static_cast<double>(itemsize(s.dtype));
  std::int64_t input_numel = 1;
  for (std::int64_t d : s.input_shape) input_numel *= d;
  out.append(rule());
  out.append("Total params: ").append(grouped(s.total_params)).append("\n");
  out.append("Trainable params: ").append(grouped(s.trainable_params)).append("\n");
  out.append("Non-trainable params: ").append(grouped(s.total_params - s.trainable_params)).append("\n");
  out.append(rule());
  // torchinfo's pass size: each leaf module's output, once for the forward pass and once for its
  // gradient in the backward pass.
  std::int64_t leaf_numel = 0;
  for (std::size_t i = 0; i < s.rows.size(); ++i) {
    const bool leaf = i + 1 == s.rows.size() || s.rows[i + 1].depth <= s.rows[i].depth;
    if (!leaf || s.rows[i].shape.empty()) continue;
    std::int64_t n = 1;
    for (std::int64_t d : s.rows[i].shape) n *= d;
    leaf_numel += n;
  }
  const double input_bytes = static_cast<double>(input_numel) * item;
  const double pass_bytes = 2.0 * static_cast<double>(leaf_numel) * item;
  const double param_bytes = static_cast<double>(s.total_params) * item;
  out.append("Input size (MB): ").append(megabytes(input_bytes)).append("\n");
  out.append("Forward/backward pass size (MB): ").append(megabytes(pass_bytes)).append("\n");
  out.append("Params size (MB): ").append(megabytes(param_bytes)).append("\n");
  out.append("Estimated Total Size (MB): ").append(megabytes(input_bytes + pass_bytes + param_bytes)).append("\n");
  out.append(rule());
  return out;
}

}  // namespace descent::diagnostics
