// The descent executable: everything happens in descent::cli::run (app.cpp), which tests call in-process;
// run_process (launch.cpp) joins a data-parallel run first when mpirun started it.
#include "launch.hpp"

int main(int argc, char** argv) { return descent::cli::run_process(argc, argv); }
