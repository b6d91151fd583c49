#pragma once
// A captured training step: after a step of an MLP has run once through the autograd graph, the
// later steps of the same batch shape replay it from a plan. The plan holds the sequence of kernel
// calls that the graph's forward and backward made (forward: kernels::linear and the activations, then
// the loss; backward: the loss's gradient, then each layer's in reverse, as the engine visits them) and
// one buffer per call's output, allocated once for the batch size and dtype and reused every step: no
// graph nodes, closures or new tensors per step. Each call is the eager path's kernel with the same
// operands in the same order, writing into its buffer instead of a new tensor, so the loss, the
// gradients (each parameter's grad set as the engine's first accumulation sets it) and so the
// optimizer's step are bit for bit those of the eager step.
//
// Captured: an nn::Sequential of Linear layers and Sigmoid, Tanh, ReLU, LeakyReLU, ELU and GELU
// modules (the MLP form of a config), float32 or float64, in training mode, under the quadratic cost,
// mse (mean or sum) or cross_entropy (mean or sum, no class weights, no label smoothing). Anything else
// gets no plan and trains through the graph: docs/capture.md lists what falls back and why.
//   auto plan = CapturedStep::capture(model, config, batch.inputs, batch.targets);  // null: not capturable
//   if (plan && plan->fits(batch.inputs, batch.targets)) loss = plan->run(batch.inputs, batch.targets, check, out);
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "descent/nn/sequential.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/tensor/tensor.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

// [train] capture, unless the environment sets DESCENT_CAPTURE=0.
bool capture_wanted(const TrainConfig& config);

class CapturedStep {
 public:
  // Where a parameter's gradient is to be written: a tensor of its shape and dtype, or an undefined one
  // for a buffer of the plan's own (data-parallel: the gradient reducer's exchange memory).
  using GradientPlace = std::function<Tensor(const Tensor& parameter)>;
  // Told of each parameter whose gradient backward has just set, as it goes (data-parallel: the reducer,
  // so that a rank waiting to sum may sum what this one has finished).
  using GradientWritten = std::function<void(const Tensor& parameter)>;

  // A plan for `model` under `config`'s loss and dtype on batches shaped as (inputs, targets); null when
  // the model, the loss or the batch is one a plan does not replay.
  static std::unique_ptr<CapturedStep> capture(nn::Module& model, const TrainConfig& config, const Tensor& inputs,
                                               const Tensor& targets, const GradientPlace& place = {},
                                               GradientWritten written = {});

  // Whether the plan replays a step on this batch now: the captured shapes and dtypes, class labels in
  // range (a bad label is left to the eager path, which reports it), the model in training mode with no
  // forward hook, gradients recorded and no anomaly mode.
  bool fits(const Tensor& inputs, const Tensor& targets) const;

  // The step on (inputs, targets), after the optimizer's zero_grad: forward, the loss, `check(loss)`
  // (which may throw: then no gradient is set), backward from the root gradient `root` (the eager
  // loss.backward()'s 1, or a data-parallel rank's weight of its shard). Returns the loss; `output`
  // gets the model's output (the plan's buffer, overwritten by the next step).
  // With `fuse`, each Linear weight whose update under that optimizer is plain SGD's (plain_rate) is
  // updated inside its gradient's product (kernels::gemm_update_), bit for bit as fuse->step() would
  // update it, and its grad left undefined, so that step() passes it by (it counts the update): for a
  // caller that reads no gradient between backward and step(), and steps after every run().
  double run(const Tensor& inputs, const Tensor& targets, const std::function<void(double)>& check, Tensor& output,
             double root = 1.0, optim::Optimizer* fuse = nullptr);

  std::int64_t batch_size() const { return batch_; }
  std::int64_t steps() const { return steps_; }  // run() calls so far

  ~CapturedStep();
  CapturedStep(const CapturedStep&) = delete;
  CapturedStep& operator=(const CapturedStep&) = delete;

  struct Layer;  // one module's kernel calls and buffers (captured_step.cpp)
  struct Loss;   // the loss's

 private:
  CapturedStep() = default;
  void forward(const Tensor& inputs);
  double loss_forward(const Tensor& targets);
  void loss_backward();
  void backward(const Tensor& inputs, optim::Optimizer* fuse);

  nn::Sequential* model_ = nullptr;
  std::vector<Layer> layers_;
  std::unique_ptr<Loss> loss_;
  std::int64_t batch_ = 0;
  Shape input_shape_, target_shape_;
  Dtype dtype_ = Dtype::Float32, target_dtype_ = Dtype::Float32;
  std::int64_t steps_ = 0;
  GradientWritten written_ = {};
};

}  // namespace descent::train
