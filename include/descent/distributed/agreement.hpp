#pragma once
// How the ranks of a run fail together: a failure on one rank (a bad config, missing data, a checkpoint
// that cannot be written, a non-finite loss) ends every rank, with one message and one exit status,
// never a hang of the others inside a collective call that the failing rank will never make.
// The rule: a rank that fails makes exactly one more collective call, exchange_status in
// finish_status, at the end of the command. The others meet it at their next agreement point
// (agree), the same call: so a step that may fail on some ranks only (loading data, rank 0 writing a
// checkpoint or a metrics line) is followed by agree() before any other collective call. Every rank then
// knows who failed first and with which status; the failing rank says why, the others say nothing.
// Where a rank may fail alone with a collective call of the others still to come (its own shard's
// forward and backward, its part of an evaluation), a SoloStretch marks the code: an exception that
// leaves it makes failed_alone() true, and the command line ends the whole run with
// Communicator::abort instead.
#include <exception>
#include <string>

#include "descent/distributed/communicator.hpp"
#include "descent/error.hpp"

namespace descent::distributed {

// Who failed first, and the status every rank ends with (0: none failed).
struct Outcome {
  int first_failed_rank = -1;
  int status = 0;
};

// Another rank failed in an agreement; it reports why. The command line prints nothing for it and
// exits with that rank's status.
class PeerFailure : public Error {
 public:
  explicit PeerFailure(Outcome outcome)
      : Error("rank " + std::to_string(outcome.first_failed_rank) + " failed"), outcome_(outcome) {}
  const Outcome& outcome() const { return outcome_; }

 private:
  Outcome outcome_;
};

// One all-reduce of every rank's status (0: fine). Once it finds a failure, the outcome is settled: a
// later finish_status makes no exchange of its own.
Outcome exchange_status(Communicator& comm, int status);

// Every rank got here: throws PeerFailure when a rank failed on the way instead.
void agree(Communicator& comm);

class SoloStretch {
 public:
  SoloStretch() : exceptions_(std::uncaught_exceptions()) {}
  ~SoloStretch();
  SoloStretch(const SoloStretch&) = delete;
  SoloStretch& operator=(const SoloStretch&) = delete;

 private:
  int exceptions_;
};

// An exception left a SoloStretch of this process.
bool failed_alone();

// The outcome of the command on every rank: `status` is this rank's. One exchange, unless an agreement
// already found a failure (then its outcome, with no collective call).
Outcome finish_status(Communicator& comm, int status);

}  // namespace descent::distributed
