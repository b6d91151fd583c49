// ContrastiveLoss l = 1/2 [y d^2 + (1 - y) max(0, margin - d)^2], d = ||x1 - x2||_2, y = 1 for a similar
// pair (Hadsell, Chopra and LeCun, CVPR 2006, eq. 4, whose Y = 0 means similar: the labels are swapped).
#include "descent/nn/losses/contrastive_loss.hpp"

#include "../piecewise.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/nn/distance.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "loss_options.hpp"
#include "target_checks.hpp"

namespace descent::nn {

Tensor contrastive_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                        const ContrastiveLoss& options) {
  const char* loss = "ContrastiveLoss";
  checks::same_shape(loss, input1, "input1", input2, "input2");
  checks::is_floating(loss, input1, "input1");
  if (input1.dim() != 1 && input1.dim() != 2)
    throw ShapeError(std::string(loss) + ": inputs must be (N, D) or (D), got shape " + to_string(input1.shape()));
  const Shape pairs = input1.dim() == 2 ? Shape{input1.shape()[0]} : Shape{};
  checks::has_shape(loss, target, "target", pairs, "(one label per pair of rows)");
  checks::labels_in(loss, target, "target", 0.0, 1.0);
  const Tensor y = checks::as_labels(target, input1.dtype());
  const Tensor d = pairwise_distance(input1, input2, 2.0, 0.0);
  // 1/2 [y d^2 + (1 - y) max(0, margin - d)^2]
  const Tensor similar = mul(y, pow(d, 2.0));
  const Tensor dissimilar = mul(kernels::affine(y, -1.0, 1.0), pow(hinge(options.margin - d), 2.0));
  return reduce((similar + dissimilar) * 0.5, options.reduction);
}

Tensor contrastive_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, Reduction reduction) {
  return contrastive_loss(input1, input2, target, ContrastiveLoss{.reduction = reduction});
}

namespace {

struct ContrastiveOptions {
  std::string reduction = "mean";
  double margin = 1.0;
  static const auto& fields() {
    static const std::array table{
        reduction_field<ContrastiveOptions>(),
        LossField<ContrastiveOptions>{util::field<&ContrastiveOptions::margin>("margin"), "margin > 0 (a distance)",
                                      [](const ContrastiveOptions& o) { return o.margin > 0; }}};
    return table;
  }
};

}  // namespace

// The config's entry: a Siamese model's pairs (model.siamese = "euclidean"), labels 1 / 0.
const LossType& contrastive_loss_type() {
  static const LossType type{
      "contrastive",
      "1/2 [y d^2 + (1 - y) max(0, margin - d)^2], d = ||x1 - x2||, Hadsell, Chopra and LeCun 2006",
      LossTargets::Pairs,
      loss_options<ContrastiveOptions>,
      [](const util::NameValuePairs& options, const LossContext&) {
        const auto o = loss_options_from_text<ContrastiveOptions>("contrastive", options);
        return on_pairs(ContrastiveLoss{.margin = o.margin, .reduction = reduction_from_string(o.reduction)});
      },
      0.0};
  return type;
}

}  // namespace descent::nn
