#include "launch.hpp"

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"
#include "descent/distributed/agreement.hpp"
#include "descent/distributed/communicator.hpp"
#include "descent/error.hpp"
#include "exit_status.hpp"

namespace descent::cli {

int run_process(int argc, char** argv) {
  try {
    distributed::start(&argc, &argv);
  } catch (const Error& e) {
    std::cerr << "descent: " << e.what() << '\n';
    return kExitBadInput;
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  distributed::Communicator& world = distributed::world();
  if (world.size() == 1) {
    const int status = run(args, std::cout, std::cerr);
    distributed::finish();
    return status;
  }
  const bool lead = world.rank() == 0;
  std::ostream discard(nullptr);  // no buffer: whatever is written is dropped
  std::ostringstream held;        // a rank's errors, printed if it fails first
  const int status = run(args, lead ? std::cout : discard, lead ? std::cerr : held);
  if (status != 0 && distributed::failed_alone()) {
    std::cerr << held.str() << std::flush;
    std::cout.flush();
    world.abort(status);
  }
  const distributed::Outcome outcome = distributed::finish_status(world, status);
  if (!lead && outcome.first_failed_rank == world.rank()) std::cerr << held.str();
  distributed::finish();
  return outcome.status;
}

}  // namespace descent::cli
