// Ctrl-C (SIGINT) and SIGTERM for the commands that write (apply, assign, revoke, the
// users tasks): a cancel that cancels, and never leaves an operation half-known.
//
// - Until sending starts (settling, mirroring, planning, the confirmation prompt) a signal
//   ends the command at once: nothing was sent, and the cache is safe to leave at any
//   point (every write is a transaction).
// - Once sending starts, the first signal asks the executor to stop: the requests in
//   flight finish and are journalled, nothing more is sent, the rest is journalled
//   `skipped` ("not sent: interrupted"), and the command prints its usual per-user result
//   and exits 128 + the signal (130 for SIGINT, 143 for SIGTERM). A second signal ends the
//   process at once; the next writer command settles what that left (journal_settle.h).
// `run` has its own signal thread (run_command.cpp) and does not use this.
#pragma once

#include <atomic>
#include <string>

#include "sync/apply/apply_result.h"
#include "sync/apply/executor.h"  // kChunkBetweenStopChecks

namespace tenantsync {

class StopSignal {
 public:
  // Installs the handlers (once per process) in the "nothing sent yet" state.
  static StopSignal& install();

  // From now on the first signal is a request to stop, not an exit.
  void sending_starts();
  // Set by the first signal once sending started: hand it to the executor.
  const std::atomic<bool>& stopping() const;
  // The signal that asked to stop, 0 when none did.
  int signal_number() const;
  // 128 + the signal (130, 143); 0 when no signal asked to stop.
  int exit_code() const;

 private:
  StopSignal() = default;
};

// After an apply stopped by a signal, on stderr: how many operations were carried out
// before it and how many were not sent, and what to do next.
void report_interrupted(const std::string& command, const ApplyReport& report);

}  // namespace tenantsync
