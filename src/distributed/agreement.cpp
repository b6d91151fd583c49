#include "descent/distributed/agreement.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace descent::distributed {
namespace {

std::optional<Outcome>& settled() {
  static std::optional<Outcome> outcome;
  return outcome;
}

bool& solo_failure() {
  static bool failed = false;
  return failed;
}

}  // namespace

Outcome exchange_status(Communicator& comm, int status) {
  std::vector<std::int64_t> statuses(static_cast<std::size_t>(comm.size()), 0);
  statuses[static_cast<std::size_t>(comm.rank())] = status;
  comm.all_reduce_max(statuses);
  Outcome outcome;
  for (std::size_t r = 0; r < statuses.size(); ++r)
    if (statuses[r] != 0) {
      outcome = {static_cast<int>(r), static_cast<int>(statuses[r])};
      settled() = outcome;
      break;
    }
  return outcome;
}

void agree(Communicator& comm) {
  if (comm.size() == 1) return;
  const Outcome outcome = exchange_status(comm, 0);
  if (outcome.status != 0) throw PeerFailure(outcome);
}

SoloStretch::~SoloStretch() {
  if (std::uncaught_exceptions() > exceptions_) solo_failure() = true;
}

bool failed_alone() { return solo_failure(); }

Outcome finish_status(Communicator& comm, int status) {
  if (settled()) return *settled();
  if (comm.size() == 1) return status ? Outcome{0, status} : Outcome{};
  return exchange_status(comm, status);
}

}  // namespace descent::distributed
