// The only file that calls MPI (built when CMake finds it: DESCENT_WITH_MPI). Blocking collectives on
// MPI_COMM_WORLD; the buffers are the caller's, reduced in place.
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string>

#include "descent/error.hpp"
#include "mpi_world.hpp"

namespace descent::distributed {
namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(std::string(what) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

// MPI counts are ints: a buffer beyond INT_MAX elements goes in pieces.
template <class T>
void all_reduce(std::span<T> data, MPI_Datatype type, MPI_Op op) {
  for (std::size_t at = 0; at < data.size(); at += INT_MAX) {
    const int n = static_cast<int>(std::min<std::size_t>(data.size() - at, INT_MAX));
    check(MPI_Allreduce(MPI_IN_PLACE, data.data() + at, n, type, op, MPI_COMM_WORLD), "MPI_Allreduce");
  }
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    // Errors come back as codes, which check() turns into exceptions, instead of ending the process.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void all_reduce_sum(std::span<double> data) override { all_reduce(data, MPI_DOUBLE, MPI_SUM); }
  void all_reduce_sum(std::span<float> data) override { all_reduce(data, MPI_FLOAT, MPI_SUM); }
  void all_reduce_max(std::span<std::int64_t> data) override { all_reduce(data, MPI_INT64_T, MPI_MAX); }
  void broadcast(std::span<std::byte> data, int root) override {
    for (std::size_t at = 0; at < data.size(); at += INT_MAX) {
      const int n = static_cast<int>(std::min<std::size_t>(data.size() - at, INT_MAX));
      check(MPI_Bcast(data.data() + at, n, MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
    }
  }
  void barrier() override { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }
  [[noreturn]] void abort(int status) override {
    MPI_Abort(MPI_COMM_WORLD, status);
    std::exit(status);  // MPI_Abort does not return; this keeps the promise if it ever did
  }

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

std::unique_ptr<Communicator> start_mpi(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) check(MPI_Init(argc, argv), "MPI_Init");
  return std::make_unique<MpiCommunicator>();
}

void finish_mpi() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

}  // namespace descent::distributed
