#include "descent/distributed/gradient_reducer.hpp"

#include <chrono>
#include <cstring>
#include <span>

#include "descent/error.hpp"

namespace descent::distributed {
namespace {

std::span<std::byte> bytes_of(const Tensor& t) {
  if (!t.is_contiguous()) throw ValueError("distributed: a tensor to exchange is not contiguous");
  return {static_cast<std::byte*>(t.raw_data()), static_cast<std::size_t>(t.numel()) * itemsize(t.dtype())};
}

}  // namespace

void GradientReducer::reduce_in_place(const Tensor& g) {
  const auto n = static_cast<std::size_t>(g.numel());
  if (g.dtype() == Dtype::Float64) comm_.all_reduce_sum(std::span(g.data<double>(), n));
  else comm_.all_reduce_sum(std::span(g.data<float>(), n));
}

void broadcast_tensors(Communicator& comm, const std::vector<Tensor>& tensors, int root) {
  if (comm.size() == 1) return;
  for (const Tensor& t : tensors) comm.broadcast(bytes_of(t), root);
}

GradientReducer::GradientReducer(Communicator& comm, const std::vector<Tensor>& parameters, std::int64_t bucket_bytes)
    : comm_(comm) {
  for (auto p = parameters.rbegin(); p != parameters.rend(); ++p) {
    if (p->dtype() != Dtype::Float32 && p->dtype() != Dtype::Float64)
      throw ValueError("distributed: a parameter of dtype " + std::string(to_string(p->dtype())) +
                       " cannot be all-reduced (float32 and float64 can)");
    const std::int64_t size = p->numel() * static_cast<std::int64_t>(itemsize(p->dtype()));
    const bool solo = size >= kSoloBytes;
    if (buckets_.empty() || solo || buckets_.back().solo || buckets_.back().dtype != p->dtype() ||
        static_cast<std::int64_t>(buckets_.back().elements * itemsize(p->dtype())) + size > bucket_bytes)
      buckets_.push_back({p->dtype(), {}, 0, {}, solo});
    buckets_.back().parameters.push_back(*p);
    buckets_.back().elements += p->numel();
    bytes_ += size;
  }
  // A solo bucket needs its flat buffer only for an undefined gradient (rare): allocated then.
  for (Bucket& b : buckets_)
    if (!b.solo) b.flat.resize(static_cast<std::size_t>(b.elements) * itemsize(b.dtype));
}

void GradientReducer::all_reduce() {
  if (comm_.size() == 1) return;
  const auto start = std::chrono::steady_clock::now();
  for (Bucket& b : buckets_) {
    // A bucket of one tensor (a large one) is reduced where it lies: no copy in or out.
    if (b.parameters.size() == 1) {
      const Tensor g = b.parameters.front().grad();
      if (g.defined() && g.is_contiguous()) {
        reduce_in_place(g);
        continue;
      }
    }
    if (b.flat.empty()) b.flat.resize(static_cast<std::size_t>(b.elements) * itemsize(b.dtype));
    std::size_t at = 0;
    for (const Tensor& p : b.parameters) {
      const std::size_t n = static_cast<std::size_t>(p.numel()) * itemsize(b.dtype);
      const Tensor g = p.grad();
      if (g.defined()) std::memcpy(b.flat.data() + at, bytes_of(g).data(), n);
      else std::memset(b.flat.data() + at, 0, n);
      at += n;
    }
    if (b.dtype == Dtype::Float64)
      comm_.all_reduce_sum(std::span(reinterpret_cast<double*>(b.flat.data()), static_cast<std::size_t>(b.elements)));
    else comm_.all_reduce_sum(std::span(reinterpret_cast<float*>(b.flat.data()), static_cast<std::size_t>(b.elements)));
    at = 0;
    for (const Tensor& p : b.parameters) {
      const std::size_t n = static_cast<std::size_t>(p.numel()) * itemsize(b.dtype);
      if (const Tensor g = p.grad(); g.defined()) std::memcpy(bytes_of(g).data(), b.flat.data() + at, n);
      at += n;
    }
  }
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++calls_;
}

}  // namespace descent::distributed
