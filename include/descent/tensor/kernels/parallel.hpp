#pragma once
// descent's own threads: a pool that runs the parallel parts of a kernel (blocks of a matrix
// product, chunks of a convolution's batch). Threads are made once and wait between calls, spinning
// briefly first: a training step has several parallel regions a few hundred microseconds apart, and
// starting a thread for each (tens of microseconds) cost more than the second thread saved.
#include <type_traits>

namespace descent::kernels {

// Runs work(t) for t = 0 .. count - 1 at the same time: t = 0 on the calling thread, the others on
// pooled threads. Returns when all are done; the first exception thrown is rethrown here. A call made
// from inside a parallel region, or with count <= 1, runs every t on the calling thread in order.
void parallel_run(int count, void (*work)(void* context, int t), void* context);

template <class Work>
void parallel_run(int count, Work&& work) {
  parallel_run(
      count, [](void* context, int t) { (*static_cast<std::remove_reference_t<Work>*>(context))(t); },
      static_cast<void*>(&work));
}

}  // namespace descent::kernels
