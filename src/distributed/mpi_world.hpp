#pragma once
// The MPI side of start() and finish() (src/distributed/mpi_communicator.cpp), compiled only when
// CMake finds MPI (DESCENT_WITH_MPI).
#include <memory>

#include "descent/distributed/communicator.hpp"

namespace descent::distributed {

std::unique_ptr<Communicator> start_mpi(int* argc, char*** argv);
void finish_mpi();

}  // namespace descent::distributed
