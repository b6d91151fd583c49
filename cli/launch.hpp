#pragma once
// The descent process, as main() runs it: under a launcher (mpirun -np N) it joins the data-parallel run
// first. Rank 0 writes to stdout and stderr; the other ranks print nothing unless they are the first to
// fail, and every rank exits with the status of the first rank that failed (distributed/agreement.hpp).
// A rank that failed where the others may wait in a collective call ends the run (MPI_Abort).
namespace descent::cli {

int run_process(int argc, char** argv);

}  // namespace descent::cli
