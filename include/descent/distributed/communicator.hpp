#pragma once
// The processes of a data-parallel run and what they say to each other: rank, size, all-reduce of a
// flat buffer, broadcast and barrier. The trainer and the ops that need their peers (batch norm's
// statistics) see this interface alone; the one implementation that speaks MPI is
// src/distributed/mpi_communicator.cpp, built when CMake finds MPI. Every call is collective: each
// rank makes the same calls, with buffers of the same sizes, in the same order.
#include <cstddef>
#include <cstdint>
#include <span>

namespace descent::distributed {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Memory for the buffers this run all-reduces every update (the gradients), `bytes` on every rank,
  // where all_reduce_sum sums them fastest; null where there is none (one process, ranks on several
  // machines), and then any buffer serves. With every rank on one machine it is memory they share (an
  // MPI-3 shared window): the sum reads and writes the ranks' buffers directly, each rank summing a
  // slice, instead of copying them through a transport. A buffer passed to all_reduce_sum from there
  // must lie at the same offset on every rank. Valid until finish().
  virtual void* exchange_memory(std::size_t bytes) {
    (void)bytes;
    return nullptr;
  }
  // Exchange memory its user is done with: a later exchange_memory call of no more bytes may hand it out
  // again (a second training run in the same process). Not collective, but every rank releases the same
  // memory at the same point, so that they all reuse it alike.
  virtual void release_exchange_memory(void* memory) { (void)memory; }
  // For a buffer in exchange memory that the ranks will sum next (with all_reduce_sum, once each per
  // update): its first `bytes` bytes hold this rank's final values. A rank already in that sum, waiting
  // for this one's buffer, may sum those bytes meanwhile: the rank that finished its backward first takes
  // on more of the sum, instead of idling. Optional (the sum itself marks the whole buffer) and
  // monotonic within an update; a no-op elsewhere.
  virtual void mark_final(const void* data, std::size_t bytes) {
    (void)data;
    (void)bytes;
  }
  // The element-wise sum over the ranks, left in `data` on every rank.
  virtual void all_reduce_sum(std::span<double> data) = 0;
  virtual void all_reduce_sum(std::span<float> data) = 0;
  // The element-wise maximum over the ranks (flags, statuses).
  virtual void all_reduce_max(std::span<std::int64_t> data) = 0;
  // `data` on every rank becomes `root`'s.
  virtual void broadcast(std::span<std::byte> data, int root) = 0;
  virtual void barrier() = 0;
  // Ends every rank of the run at once with `status` (MPI_Abort), for a failure that left the others
  // inside a collective call, where they would wait for ever. The single process just exits.
  [[noreturn]] virtual void abort(int status) = 0;
};

// One process: every collective is the identity.
class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void all_reduce_sum(std::span<double>) override {}
  void all_reduce_sum(std::span<float>) override {}
  void all_reduce_max(std::span<std::int64_t>) override {}
  void broadcast(std::span<std::byte>, int) override {}
  void barrier() override {}
  [[noreturn]] void abort(int status) override;
};

// The run this process belongs to: MPI's world when start() found a launcher (mpirun) and descent was
// built with MPI, else a single process.
Communicator& world();

// Joins the launcher's run (MPI_Init) when this process was started by one (mpirun, srun: their
// environment variables say so); else does nothing. Throws descent::Error when the launcher started more
// than one process and descent was built without MPI: each would train a model of its own, writing the
// same files. Call once, before world() is used; finish() leaves the run (MPI_Finalize).
void start(int* argc, char*** argv);
void finish();
// The number of processes the launcher started (1 when none), from its environment: known before start().
int launched_size();
// How many ranks share this machine (OMPI_COMM_WORLD_LOCAL_SIZE), 1 when unknown.
int local_size();
// Whether this descent can run over MPI (CMake found it at build time).
bool built_with_mpi();

}  // namespace descent::distributed
