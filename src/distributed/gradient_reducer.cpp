#include "descent/distributed/gradient_reducer.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <span>

#include "descent/error.hpp"

namespace descent::distributed {
namespace {

std::span<std::byte> bytes_of(const Tensor& t) {
  if (!t.is_contiguous()) throw ValueError("distributed: a tensor to exchange is not contiguous");
  return {static_cast<std::byte*>(t.raw_data()), static_cast<std::size_t>(t.numel()) * itemsize(t.dtype())};
}

}  // namespace

std::size_t GradientReducer::padded_bytes(const Bucket& b) {
  return (static_cast<std::size_t>(b.elements) * itemsize(b.dtype) + 63) / 64 * 64;
}

void GradientReducer::sum(Dtype dtype, void* data, std::int64_t elements) {
  const auto n = static_cast<std::size_t>(elements);
  if (dtype == Dtype::Float64) comm_.all_reduce_sum(std::span(static_cast<double*>(data), n));
  else comm_.all_reduce_sum(std::span(static_cast<float*>(data), n));
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
  if (comm_.size() == 1 || buckets_.empty()) return;
  // Exchange memory for every bucket, each at a 64-byte boundary: the same layout on every rank.
  std::size_t total = 0;
  for (const Bucket& b : buckets_) total += padded_bytes(b);
  if (auto* memory = static_cast<std::byte*>(comm_.exchange_memory(total))) {
    exchange_ = memory;
    exchange_bytes_ = total;
    std::memset(memory, 0, total);
    for (Bucket& b : buckets_) {
      b.shared = memory;
      memory += padded_bytes(b);
    }
    bool one_dtype = true;
    for (const Bucket& b : buckets_) one_dtype = one_dtype && b.dtype == buckets_.front().dtype;
    if (one_dtype) {
      for (std::size_t k = 0; k < buckets_.size(); ++k) {
        const std::byte* place = buckets_[k].shared;
        for (const Tensor& p : buckets_[k].parameters) {
          placed_.push_back({p.impl(), k, place, false});
          place += static_cast<std::size_t>(p.numel()) * itemsize(buckets_[k].dtype);
        }
      }
      std::sort(placed_.begin(), placed_.end(),
                [](const Placed& a, const Placed& b) { return std::less<const void*>()(a.parameter, b.parameter); });
      final_parameters_.assign(buckets_.size(), 0);
    }
    return;
  }
  // A solo bucket needs its flat buffer only for an undefined gradient (rare): allocated then.
  for (Bucket& b : buckets_)
    if (!b.solo) b.flat.resize(static_cast<std::size_t>(b.elements) * itemsize(b.dtype));
}

GradientReducer::~GradientReducer() {
  if (!exchange_) return;
  for (const Bucket& b : buckets_)
    for (const Tensor& p : b.parameters) {
      const Tensor g = p.grad();
      if (!g.defined()) continue;
      const auto* at = static_cast<const std::byte*>(g.raw_data());
      if (at < exchange_ || at >= exchange_ + exchange_bytes_) continue;
      try {
        p.set_grad(g.clone());
      } catch (...) {
        p.set_grad(Tensor());  // no memory for the copy (a destructor must not throw): no gradient
      }
    }
  comm_.release_exchange_memory(exchange_);
}

Tensor GradientReducer::gradient_buffer(const Tensor& parameter) const {
  for (const Bucket& b : buckets_) {
    if (!b.shared) return Tensor();
    std::size_t at = 0;
    for (const Tensor& p : b.parameters) {
      if (p.impl() == parameter.impl()) return Tensor::borrowing(b.shared + at, p.shape(), p.dtype());
      at += static_cast<std::size_t>(p.numel()) * itemsize(b.dtype);
    }
  }
  return Tensor();
}

void GradientReducer::gradient_written(const Tensor& parameter) {
  const void* impl = parameter.impl();
  const auto it = std::lower_bound(placed_.begin(), placed_.end(), impl, [](const Placed& p, const void* key) {
    return std::less<const void*>()(p.parameter, key);
  });
  if (it == placed_.end() || it->parameter != impl || it->final) return;
  // Only a gradient written in its place: one elsewhere is copied in by all_reduce(), after this.
  if (const Tensor g = parameter.grad(); !g.defined() || g.raw_data() != it->place) return;
  it->final = true;
  ++final_parameters_[it->bucket];
  const std::size_t before = final_buckets_;
  while (final_buckets_ < buckets_.size() &&
         final_parameters_[final_buckets_] == buckets_[final_buckets_].parameters.size())
    ++final_buckets_;
  if (final_buckets_ == before) return;
  const Bucket& last = buckets_[final_buckets_ - 1];
  comm_.mark_final(exchange_, static_cast<std::size_t>(last.shared + padded_bytes(last) - exchange_));
}

void GradientReducer::copy_in(const Bucket& b, std::byte* data) {
  // A gradient already in its place (a captured step wrote it there) is not copied.
  std::size_t at = 0;
  for (const Tensor& p : b.parameters) {
    const std::size_t n = static_cast<std::size_t>(p.numel()) * itemsize(b.dtype);
    const Tensor g = p.grad();
    if (!g.defined()) std::memset(data + at, 0, n);
    else if (g.raw_data() != data + at || !g.is_contiguous()) std::memcpy(data + at, bytes_of(g).data(), n);
    at += n;
  }
}

void GradientReducer::copy_out(const Bucket& b, const std::byte* data) {
  std::size_t at = 0;
  for (const Tensor& p : b.parameters) {
    const std::size_t n = static_cast<std::size_t>(p.numel()) * itemsize(b.dtype);
    if (const Tensor g = p.grad(); g.defined() && g.raw_data() != data + at)
      std::memcpy(bytes_of(g).data(), data + at, n);
    at += n;
  }
}

void GradientReducer::all_reduce() {
  if (comm_.size() == 1 || buckets_.empty()) return;
  const auto start = std::chrono::steady_clock::now();
  if (exchange_) {
    // In exchange memory the buckets lie end to end: one sum for each run of one dtype (its padding
    // between buckets is zeros), one pair of barriers instead of one per bucket.
    for (const Bucket& b : buckets_) copy_in(b, b.shared);
    for (std::size_t i = 0, j = 0; i < buckets_.size(); i = j) {
      while (j < buckets_.size() && buckets_[j].dtype == buckets_[i].dtype) ++j;
      const Bucket& last = buckets_[j - 1];
      const auto bytes = static_cast<std::size_t>(last.shared + padded_bytes(last) - buckets_[i].shared);
      const auto elements = static_cast<std::int64_t>(bytes / itemsize(buckets_[i].dtype));
      sum(buckets_[i].dtype, buckets_[i].shared, elements);
    }
    for (const Bucket& b : buckets_) copy_out(b, b.shared);
    for (Placed& p : placed_) p.final = false;
    std::fill(final_parameters_.begin(), final_parameters_.end(), 0);
    final_buckets_ = 0;
  } else {
    for (Bucket& b : buckets_) {
      // A bucket of one tensor (a large one) is reduced where it lies: no copy in or out.
      if (b.parameters.size() == 1) {
        const Tensor g = b.parameters.front().grad();
        if (g.defined() && g.is_contiguous()) {
          sum(g.dtype(), g.raw_data(), g.numel());
          continue;
        }
      }
      if (b.flat.empty()) b.flat.resize(static_cast<std::size_t>(b.elements) * itemsize(b.dtype));
      copy_in(b, b.flat.data());
      sum(b.dtype, b.flat.data(), b.elements);
      copy_out(b, b.flat.data());
    }
  }
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++calls_;
}

}  // namespace descent::distributed
