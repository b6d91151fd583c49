#pragma once
// The founding bug of the Siamese examples, shared by siamese_sign_flipped and siamese_cosine_loss:
// the cosine embedding loss written as a custom function with a hand-derived backward,
//   l_i = 1 - cos_i                  for a +1 pair (same class)
//         max(0, cos_i - margin)     for a -1 pair (different classes),    L = (1/N) sum_i l_i,
//   cos_i = x1_i . x2_i / sqrt((|x1_i|^2 + eps)(|x2_i|^2 + eps)),  eps = 1e-12 (PyTorch's guard),
// whose gradient, derived by hand, is
//   dL/dcos_i = -1/N (+1 pair),  1/N if cos_i > margin else 0 (-1 pair),
//   dcos_i/dx1_i = x2_i / sqrt(n1 n2) - cos_i x1_i / n1,  n1 = |x1_i|^2 + eps, n2 = |x2_i|^2 + eps
// (and the same with 1 and 2 swapped). The bug: the -1 pairs' dL/dcos written as -1/N, the sign of the
// +1 pairs', so training pulls different digits together instead of apart. The forward is right, so the
// loss looks right; only the checks, which compare backward with central differences and test that a
// step goes downhill, tell.
//
// The program builds examples/siamese/cosine.toml's tower and batch exactly as `descent check` does and
// runs the same check (diagnostics::check_model) with this loss.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <descent/data/data_loader.hpp>
#include <descent/descent.hpp>
#include <descent/train/config.hpp>
#include <descent/train/datasets.hpp>
#include <descent/train/model_from_config.hpp>
#include <descent/train/run.hpp>

namespace siamese_example {

using namespace descent;

// The derivative of one pair's loss l_i with respect to cos_i, for target y and cosine c.
using LossSlope = double (*)(double y, double c, double margin);

// The cosine embedding loss of (N, 2, D) embeddings against +1 / -1 targets, as a custom function
// whose backward uses `slope`.
inline Tensor cosine_embedding_custom(const Tensor& embeddings, const Tensor& targets, double margin, LossSlope slope) {
  const auto [x1, x2] = nn::Siamese::halves(embeddings);
  return custom_function(
      "cosine_embedding_loss", {x1, x2, targets},
      [margin](FunctionCtx& ctx, const std::vector<Tensor>& in) {
        ctx.save_for_backward(in);
        ctx.saved_data["margin"] = margin;
        return nn::cosine_embedding_loss(in[0], in[1], in[2], {.margin = margin});  // the forward is right
      },
      [slope](FunctionCtx& ctx, const Tensor& grad) {
        const Tensor& a = ctx.saved_tensors()[0];
        const Tensor& b = ctx.saved_tensors()[1];
        const std::vector<double> v1 = a.to_vector(), v2 = b.to_vector(), y = ctx.saved_tensors()[2].to_vector();
        const std::int64_t n = a.size(0), d = a.size(1);
        const double saved_margin = ctx.saved_data.at("margin"), g = grad.item();
        std::vector<double> g1(v1.size()), g2(v2.size());
        for (std::int64_t i = 0; i < n; ++i) {
          double dot = 0, s1 = 0, s2 = 0;
          for (std::int64_t k = 0; k < d; ++k) {
            dot += v1[i * d + k] * v2[i * d + k];
            s1 += v1[i * d + k] * v1[i * d + k];
            s2 += v2[i * d + k] * v2[i * d + k];
          }
          const double n1 = s1 + 1e-12, n2 = s2 + 1e-12, root = std::sqrt(n1 * n2), c = dot / root;
          const double dl = g * slope(y[i], c, saved_margin) / static_cast<double>(n);  // dL/dcos_i
          for (std::int64_t k = 0; k < d; ++k) {
            g1[i * d + k] = dl * (v2[i * d + k] / root - c * v1[i * d + k] / n1);
            g2[i * d + k] = dl * (v1[i * d + k] / root - c * v2[i * d + k] / n2);
          }
        }
        return std::vector<Tensor>{from_vector(g1, a.shape(), a.dtype()), from_vector(g2, b.shape(), b.dtype()),
                                   Tensor()};
      });
}

// Runs descent check's two checks on cosine.toml's tower with this loss, on the first batch training
// draws from the pairs of `data_dir`; prints the report and returns whether it passed.
inline bool check_cosine_toml(const std::string& config_path, const std::string& data_dir, LossSlope slope) {
  const train::TrainConfig config = train::parse_config(config_path);
  const train::TrainData data = train::load_data(config, data_dir);
  Generator init_gen(config.seed);
  auto model = train::build_network(config, init_gen);
  data::DataLoader loader(data.train, {.batch_size = config.batch_size, .shuffle = true, .seed = config.seed + 1});
  data::Batch batch;
  loader.next(batch);
  std::printf("%s on %lld pairs from %s\n\n", config_path.c_str(), static_cast<long long>(batch.inputs.size(0)),
              data_dir.c_str());
  const double margin = config.loss.number("margin");
  const auto loss = [margin, slope](const Tensor& e, const Tensor& y) {
    return cosine_embedding_custom(e, y, margin, slope);
  };
  const auto result = diagnostics::check_model(
      *model, loss, batch.inputs, batch.targets,
      [&](const optim::NamedParameters& parameters) { return optim::make_optimizer(config.optim, parameters); });
  std::printf("%s", result.report().c_str());
  // The same failures as the root causes `descent doctor` names.
  for (const diagnostics::Finding& f : diagnostics::check_findings(result))
    std::printf("diagnosis: %s at %s\n", f.cause.c_str(), f.where.c_str());
  return result.passed();
}

// `--data-dir DIR` from the command line, else Debian's Fashion-MNIST; "" after printing a message when
// the arguments are wrong.
inline std::string data_dir_from(int argc, char** argv) {
  if (argc == 1) return train::resolve_data_dir(std::nullopt);
  if (argc == 3 && std::string(argv[1]) == "--data-dir") return train::resolve_data_dir(std::string(argv[2]));
  std::fprintf(stderr, "usage: %s [--data-dir DIR]\n", argv[0]);
  return "";
}

}  // namespace siamese_example
