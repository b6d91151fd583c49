#include "sharded_update.hpp"

#include <cstdlib>
#include <cstring>
#include <string_view>

#include "descent/error.hpp"

namespace descent::train {
namespace {

std::size_t bytes_of(const Tensor& t) { return static_cast<std::size_t>(t.numel()) * itemsize(t.dtype()); }
std::size_t padded(std::size_t bytes) { return (bytes + 63) / 64 * 64; }  // whole cache lines

// Points every handle to `t` at `to`, a contiguous tensor of its shape and dtype.
void move_storage(const Tensor& t, const Tensor& to) {
  TensorImpl* impl = t.impl();
  impl->storage = to.impl()->storage;
  impl->offset = to.impl()->offset;
}

}  // namespace

std::unique_ptr<ShardedUpdate> ShardedUpdate::start(distributed::Communicator& comm,
                                                    distributed::GradientReducer& reducer,
                                                    optim::Optimizer& optimizer) {
  const char* env = std::getenv("DESCENT_SHARDED_UPDATE");
  if ((env && std::string_view(env) == "0") || comm.size() < 2 || !reducer.in_exchange_memory() ||
      !optimizer.updates_elementwise())
    return nullptr;
  std::unique_ptr<ShardedUpdate> sharded(new ShardedUpdate(comm, reducer, optimizer));
  // Every rank decides alike: the parameters, their gradients' places and states are the same on each.
  std::size_t total = 0;
  for (const auto& [name, p] : optimizer.named_parameters()) {
    const Tensor gradient = reducer.gradient_buffer(p);
    const optim::ParamState* state = optimizer.state(name);
    if (!gradient.defined() || !p.is_contiguous() || !state || state->step < 1) return nullptr;
    sharded->parts_.push_back({name, p, gradient, state->buffers.size(), reducer.own_piece(p)});
    total += padded(bytes_of(p));
    for (const auto& [buffer, t] : state->buffers)
      if (t.defined()) total += padded(bytes_of(t));
  }
  if (total == 0) return nullptr;
  sharded->memory_ = comm.exchange_memory(total);
  auto* at = static_cast<std::byte*>(sharded->memory_ ? comm.peer_exchange_memory(sharded->memory_, 0) : nullptr);
  if (!at) {
    if (sharded->memory_) comm.release_exchange_memory(sharded->memory_);
    sharded->memory_ = nullptr;
    return nullptr;
  }
  // Rank 0 copies the values in (every rank holds the same); every rank then works in rank 0's copy.
  const bool writer = comm.rank() == 0;
  auto place = [&](const Tensor& t) {
    Tensor shared = Tensor::borrowing(at, t.shape(), t.dtype());
    if (writer) std::memcpy(at, t.raw_data(), bytes_of(t));
    at += padded(bytes_of(t));
    return shared;
  };
  for (const Part& part : sharded->parts_) move_storage(part.parameter, place(part.parameter));
  optimizer.place_state(place);
  comm.barrier();
  return sharded;
}

ShardedUpdate::~ShardedUpdate() {
  if (!memory_) return;
  try {
    for (const Part& part : parts_) move_storage(part.parameter, part.parameter.clone());
    optimizer_.place_state([](const Tensor& t) { return t.clone(); });
  } catch (...) {
    // No memory for the copies, and a destructor must not throw: what was not copied stays in the shared
    // memory, which stays mapped until distributed::finish().
  }
  comm_.release_exchange_memory(memory_);
}

void ShardedUpdate::step() {
  for (const Part& part : parts_) {
    const std::ptrdiff_t position = optimizer_.begin_pieces(part.parameter, part.gradient);
    if (position < 0) throw Error("sharded update: the optimizer refused a parameter's update in pieces");
    // A buffer made now (an option changed mid-run: momentum from 0) would be this rank's alone.
    if (optimizer_.state(part.name)->buffers.size() != part.buffers)
      throw Error("sharded update: parameter \"" + part.name + "\" gained a state buffer mid-run (an option of " +
                  std::string(optimizer_.name()) +
                  " changed); DESCENT_SHARDED_UPDATE=0 runs such a run with every rank updating everything");
    const auto [begin, end] = part.piece;
    if (end > begin) optimizer_.step_piece(position, begin, end - begin);
  }
  comm_.barrier();
}

}  // namespace descent::train
