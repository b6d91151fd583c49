#pragma once
// Data-parallel ranks on one machine that split the optimizer's update between them. With the
// gradients summed in memory the ranks share (GradientReducer's exchange memory), every rank used to
// sum a slice of them, copy the sums into every rank's buffers, and then run the whole update on its
// own copy of the parameters: on the [784, 1024, 1024, 10] MLP a pass over 37 MB of parameters,
// gradients and momentum, the same on each rank. Here the parameters and the optimizer's state lie
// once in shared memory, and each rank sums its slice of the gradients and updates that slice of the
// parameters and state alone; a barrier then lets every rank read the whole updated model. Each
// element gets the arithmetic step() gives it, the sums added in the same order: the results are
// those of every rank updating everything, bit for bit.
//
// It starts after the run's first update (which makes the optimizer's state buffers), when every rank
// shares memory, the rule updates element by element (Optimizer::updates_elementwise) and nothing reads
// the summed gradients between backward and the step (no clipping, monitor, watch or trace: EpochLoop
// decides). DESCENT_SHARDED_UPDATE=0 keeps the whole update on every rank.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "descent/distributed/communicator.hpp"
#include "descent/distributed/gradient_reducer.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::train {

class ShardedUpdate {
 public:
  // Moves the optimizer's parameters and state into shared memory; null (nothing moved) where the
  // update cannot be split. Collective: every rank calls it at the same update.
  static std::unique_ptr<ShardedUpdate> start(distributed::Communicator& comm, distributed::GradientReducer& reducer,
                                              optim::Optimizer& optimizer);
  // Moves them back into memory of this process's own, and gives the shared memory back.
  ~ShardedUpdate();
  ShardedUpdate(const ShardedUpdate&) = delete;
  ShardedUpdate& operator=(const ShardedUpdate&) = delete;

  // After backward: this rank's slices of the gradients summed over the ranks.
  void reduce() { reducer_.reduce_own_slices(); }
  // The update of this rank's slices, then the barrier after which every rank reads the whole model.
  void step();

 private:
  struct Part {
    std::string name;
    Tensor parameter, gradient;                   // the gradient: its buffer in exchange memory
    std::size_t buffers;                          // its state buffers, all in shared memory
    std::pair<std::int64_t, std::int64_t> piece;  // the elements this rank updates
  };
  ShardedUpdate(distributed::Communicator& comm, distributed::GradientReducer& reducer, optim::Optimizer& optimizer)
      : comm_(comm), reducer_(reducer), optimizer_(optimizer) {}

  distributed::Communicator& comm_;
  distributed::GradientReducer& reducer_;
  optim::Optimizer& optimizer_;
  std::vector<Part> parts_;
  void* memory_ = nullptr;  // this rank's exchange memory; the model lies in rank 0's
};

}  // namespace descent::train
