#include <cstdlib>
#include <memory>
#include <string>

#include "descent/distributed/communicator.hpp"
#include "descent/error.hpp"
#ifdef DESCENT_WITH_MPI
#include "mpi_world.hpp"
#endif

namespace descent::distributed {
namespace {

std::unique_ptr<Communicator>& the_world() {
  static std::unique_ptr<Communicator> w = std::make_unique<SingleProcess>();
  return w;
}

// A positive whole number from the environment, or 0.
int env_count(const char* name) {
  const char* text = std::getenv(name);
  if (!text || !*text) return 0;
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  return *end == '\0' && n > 0 && n < (1 << 24) ? static_cast<int>(n) : 0;
}

}  // namespace

void SingleProcess::abort(int status) { std::exit(status); }

Communicator& world() { return *the_world(); }

int launched_size() {
  // Open MPI's mpirun, then the PMI variables of MPICH's hydra and of Slurm's srun. Not SLURM_NTASKS:
  // a batch script's own shell has it too, outside any launcher.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"})
    if (const int n = env_count(name)) return n;
  return 1;
}

int local_size() {
  const int n = env_count("OMPI_COMM_WORLD_LOCAL_SIZE");
  return n > 0 ? n : 1;
}

bool built_with_mpi() {
#ifdef DESCENT_WITH_MPI
  return true;
#else
  return false;
#endif
}

void start(int* argc, char*** argv) {
  const int size = launched_size();
#ifdef DESCENT_WITH_MPI
  // Under a launcher only: a plain run never loads MPI's runtime (a singleton MPI_Init starts a helper
  // daemon, and fails in some containers).
  if (size > 1 || std::getenv("OMPI_COMM_WORLD_SIZE")) the_world() = start_mpi(argc, argv);
#else
  (void)argc;
  (void)argv;
  if (size > 1)
    throw Error("started as one of " + std::to_string(size) +
                " processes (mpirun), but this descent was built without MPI: each process would train a model "
                "of its own and write the same files. Install Open MPI (Debian: libopenmpi-dev openmpi-bin) and "
                "build again, or run one process");
#endif
}

void finish() {
#ifdef DESCENT_WITH_MPI
  const bool mpi = world().size() > 1 || std::getenv("OMPI_COMM_WORLD_SIZE");
  the_world() = std::make_unique<SingleProcess>();  // MPI's communicator frees its windows first
  if (mpi) finish_mpi();
#else
  the_world() = std::make_unique<SingleProcess>();
#endif
}

}  // namespace descent::distributed
