#pragma once
// Building the model, loss and optimizer a config describes.
#include <functional>
#include <memory>

#include "descent/nn/sequential.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

// Linear layers of the sizes in model.layers, the activation between them, output_activation after
// the last; initialised as model.init says from `gen`, in the config's dtype.
std::shared_ptr<nn::Sequential> build_model(const TrainConfig& config, Generator& gen);

// loss(output, targets): int64 class labels, which the squared-error losses compare as one-hot
// vectors, or (inline data) target values of the output's shape.
using LossFn = std::function<Tensor(const Tensor& output, const Tensor& targets)>;
LossFn build_loss(const TrainConfig& config);

std::unique_ptr<optim::Optimizer> build_optimizer(const TrainConfig& config, const nn::Module& model);

}  // namespace descent::train
