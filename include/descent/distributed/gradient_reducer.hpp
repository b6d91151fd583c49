#pragma once
// Data-parallel training's two exchanges of tensors:
//   broadcast_tensors: rank 0's parameters and buffers to every rank, once at the start;
//   GradientReducer: after each backward, every parameter's gradient summed over the ranks. The
//     gradients go in buckets of about `bucket_bytes` (PyTorch DDP's 25 MB), filled in the reverse of
//     the parameters' order, which is the order backward finishes them: one all-reduce per bucket, not
//     one per tensor, so a model of many small tensors pays the collective's latency a few times only.
//     A tensor of 1 MB or more is a bucket of its own, reduced where it lies: copying it into a bucket and
//     back would cost more than the collective's latency it saves (the [784, 1024, 1024, 10] MLP: a
//     third of the exchange's time).
//     Where the communicator has exchange memory (ranks on one machine), every bucket lies there, and
//     gradient_buffer() hands out each parameter's place in it: a step that writes its gradients there
//     (a captured step) is summed where it lies, with no copy at all; other gradients are copied in and
//     out.
// Each rank's loss is weighted so that the sum of the ranks' gradients is the gradient of the global
// batch's loss (train/epoch_loop.cpp): the reduction is a plain sum.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "descent/distributed/communicator.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::distributed {

void broadcast_tensors(Communicator& comm, const std::vector<Tensor>& tensors, int root = 0);

class GradientReducer {
 public:
  static constexpr std::int64_t kBucketBytes = 25 << 20;
  static constexpr std::int64_t kSoloBytes = 1 << 20;

  GradientReducer(Communicator& comm, const std::vector<Tensor>& parameters, std::int64_t bucket_bytes = kBucketBytes);
  // Gives its exchange memory back to the communicator for a later run; a gradient that still lies there
  // gets a copy of its own first, so that the run's model keeps its last gradients.
  ~GradientReducer();
  GradientReducer(const GradientReducer&) = delete;
  GradientReducer& operator=(const GradientReducer&) = delete;

  // Every parameter's gradient becomes the sum of the ranks' (an undefined one counts as zeros and stays
  // undefined: backward reaches the same parameters on every rank).
  void all_reduce();

  // Where all_reduce() sums `parameter`'s gradient: a tensor of its shape and dtype in exchange memory,
  // or an undefined tensor when there is none (one process, ranks on several machines) or `parameter`
  // is not one of this reducer's. Valid until distributed::finish().
  Tensor gradient_buffer(const Tensor& parameter) const;
  // `parameter`'s gradient, in its gradient_buffer, is final for this update (a captured step's
  // backward says so as it goes): once the buckets before it are final too, the communicator may let a
  // rank that is waiting in all_reduce() sum them (Communicator::mark_final). Else a no-op.
  void gradient_written(const Tensor& parameter);

  std::int64_t buckets() const { return static_cast<std::int64_t>(buckets_.size()); }
  std::int64_t bytes() const { return bytes_; }  // gradient bytes each update all-reduces
  bool in_exchange_memory() const { return exchange_ != nullptr; }
  // Seconds spent in all_reduce so far (copies and collectives), and how many calls.
  double seconds() const { return seconds_; }
  std::int64_t calls() const { return calls_; }

 private:
  struct Bucket {
    Dtype dtype;
    std::vector<Tensor> parameters;
    std::int64_t elements = 0;
    std::vector<std::byte> flat;  // elements of dtype, reused every update (no exchange memory)
    bool solo = false;            // one tensor of kSoloBytes or more, reduced in place
    std::byte* shared = nullptr;  // the bucket's place in exchange memory, when there is some
  };
  void sum(Dtype dtype, void* data, std::int64_t elements);  // all_reduce_sum of float32 or float64
  static std::size_t padded_bytes(const Bucket& b);          // its size in exchange memory: whole 64-byte lines
  static void copy_in(const Bucket& b, std::byte* data);
  static void copy_out(const Bucket& b, const std::byte* data);
  Communicator& comm_;
  std::vector<Bucket> buckets_;
  std::int64_t bytes_ = 0;
  std::byte* exchange_ = nullptr;  // the exchange memory every bucket lies in, when there is some
  // For gradient_written, with exchange memory and buckets of one dtype (one sum an update): by
  // parameter (sorted by its impl), its bucket, its gradient's place in exchange memory and whether that
  // gradient is final this update; by bucket, how many are; the buckets final from the first on.
  struct Placed {
    const void* parameter;
    std::size_t bucket;
    const std::byte* place;
    bool final;
  };
  std::vector<Placed> placed_;
  std::vector<std::size_t> final_parameters_;
  std::size_t final_buckets_ = 0;
  std::size_t exchange_bytes_ = 0;
  double seconds_ = 0;
  std::int64_t calls_ = 0;
};

}  // namespace descent::distributed
