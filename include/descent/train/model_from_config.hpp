#pragma once
// Building the model, loss, optimizer and schedule a config describes.
#include <functional>
#include <memory>
#include <optional>
#include <ostream>

#include "descent/nn/sequential.hpp"
#include "descent/nn/siamese.hpp"
#include "descent/optim/lr_scheduler/lr_scheduler.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

// The MLP form: Linear layers of the sizes in model.layers, the activation between them,
// output_activation after the last; initialised as model.init, then model.weight_init and bias_init
// say, from `gen`, in the config's dtype. The layer form: each [[model.layer]] in order (PyTorch's
// default init, or its weight_init and bias_init, else [model]'s, drawn from `gen`), after a view of
// each flat example as model.input_shape. Either way child "i" is layer i, so the names are those of
// the torch.nn.Sequential of the same layers. Then [model.weights], then model.init_from's file
// (ConfigError naming the tensor and both shapes when it does not fit, IoError when it cannot be
// read); what that load converted, kept or skipped is said on `notes`, when given.
std::shared_ptr<nn::Sequential> build_model(const TrainConfig& config, Generator& gen, std::ostream* notes = nullptr);

// The network a run trains: build_model's, or with model.siamese an nn::Siamese whose tower it is.
std::shared_ptr<nn::Module> build_network(const TrainConfig& config, Generator& gen, std::ostream* notes = nullptr);
// model.siamese's pair score; nullopt for "none".
std::optional<nn::PairScore> siamese_score(const TrainConfig& config);

// loss(output, targets): int64 class labels, which the squared-error losses compare as one-hot
// vectors, or (inline data) target values of the output's shape. The pair losses take a Siamese
// model's (N, 2, D) embeddings and the pairs' float targets (+1 / -1, or 1 / 0 for contrastive).
using LossFn = std::function<Tensor(const Tensor& output, const Tensor& targets)>;
LossFn build_loss(const TrainConfig& config);

// [optim] through make_optimizer, over the model's named parameters.
std::unique_ptr<optim::Optimizer> build_optimizer(const TrainConfig& config, const nn::Module& model);

// [scheduler] through make_scheduler, or null when the config has none. onecyclelr runs for
// epochs x batches_per_epoch steps (its total_steps).
std::unique_ptr<optim::LRScheduler> build_scheduler(const TrainConfig& config, optim::Optimizer& optimizer,
                                                    std::int64_t batches_per_epoch);

}  // namespace descent::train
