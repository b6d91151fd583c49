// HingeEmbeddingLoss l = x (y = 1), max(0, margin - x) (y = -1); CosineEmbeddingLoss l = 1 - cos (y = 1),
// max(0, cos - margin) (y = -1), cos with PyTorch's 1e-12 guard (PyTorch 1.13; details in the header).
#include "descent/nn/losses/embedding_loss.hpp"

#include "../piecewise.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/autograd/ops/reduction.hpp"
#include "loss_options.hpp"
#include "target_checks.hpp"

namespace descent::nn {

Tensor hinge_embedding_loss(const Tensor& input, const Tensor& target, const HingeEmbeddingLoss& options) {
  const char* loss = "HingeEmbeddingLoss";
  checks::same_shape(loss, input, "input", target, "target");
  checks::is_floating(loss, input, "input");
  checks::labels_in(loss, target, "target", 1.0, -1.0);
  const Tensor dissimilar = less_than(checks::as_labels(target, input.dtype()), 0.0);  // [y = -1]
  // y = 1: x; y = -1: max(0, margin - x)
  const Tensor losses = piecewise(dissimilar, hinge(options.margin - input), input);
  return reduce(losses, options.reduction);
}

Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                             const CosineEmbeddingLoss& options) {
  const char* loss = "CosineEmbeddingLoss";
  checks::same_shape(loss, input1, "input1", input2, "input2");
  checks::is_floating(loss, input1, "input1");
  if (input1.dim() != 1 && input1.dim() != 2)
    throw ShapeError(std::string(loss) + ": inputs must be (N, D) or (D), got shape " + to_string(input1.shape()));
  const Shape pairs = input1.dim() == 2 ? Shape{input1.shape()[0]} : Shape{};
  checks::has_shape(loss, target, "target", pairs, "(one label per pair of rows)");
  checks::labels_in(loss, target, "target", 1.0, -1.0);
  // cos = sum x1 x2 / sqrt((sum x1^2 + 1e-12)(sum x2^2 + 1e-12)) along D
  const std::int64_t dim = input1.dim() - 1;
  const Tensor dot = sum(mul(input1, input2), dim);
  const Tensor norms = sqrt(mul(sum(mul(input1, input1), dim) + 1e-12, sum(mul(input2, input2), dim) + 1e-12));
  const Tensor cos = div(dot, norms);
  const Tensor dissimilar = less_than(checks::as_labels(target, input1.dtype()), 0.0);  // [y = -1]
  // y = 1: 1 - cos; y = -1: max(0, cos - margin)
  const Tensor losses = piecewise(dissimilar, hinge(cos - options.margin), 1.0 - cos);
  return reduce(losses, options.reduction);
}

Tensor hinge_embedding_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return hinge_embedding_loss(input, target, HingeEmbeddingLoss{.reduction = reduction});
}
Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, Reduction reduction) {
  return cosine_embedding_loss(input1, input2, target, CosineEmbeddingLoss{.reduction = reduction});
}

namespace {

struct CosineEmbeddingOptions {
  std::string reduction = "mean";
  double margin = 0.0;
  static const auto& fields() {
    static const std::array table{
        reduction_field<CosineEmbeddingOptions>(),
        LossField<CosineEmbeddingOptions>{
            util::field<&CosineEmbeddingOptions::margin>("margin"), "margin in [-1, 1] (a cosine similarity)",
            [](const CosineEmbeddingOptions& o) { return o.margin >= -1 && o.margin <= 1; }}};
    return table;
  }
};

}  // namespace

// The config's entry: a Siamese model's pairs (model.siamese = "cosine"), targets +1 / -1.
const LossType& cosine_embedding_loss_type() {
  static const LossType type{
      "cosine_embedding",
      "1 - cos(x1, x2) for y = 1, max(0, cos(x1, x2) - margin) for y = -1, torch.nn.CosineEmbeddingLoss",
      LossTargets::Pairs,
      loss_options<CosineEmbeddingOptions>,
      [](const util::NameValuePairs& options, const LossContext&) {
        const auto o = loss_options_from_text<CosineEmbeddingOptions>("cosine_embedding", options);
        return on_pairs(CosineEmbeddingLoss{.margin = o.margin, .reduction = reduction_from_string(o.reduction)});
      },
      0.0};
  return type;
}

}  // namespace descent::nn
