// sync/run/: `tenantsync run`: one cycle, its outcome, report folder and notifications.
//
// One reconcile cycle of `tenantsync run` (docs/architecture.md data flow, steps 1-4 in a row):
//   1. settle what an interrupted apply left in the journal (journal_settle.h: nothing of
//      it is sent again);
//   2. mirror the desired state's tenants (delta where possible);
//   3. plan them, and apply the plan: the executor changes `enforce` tenants only (within
//      the safety limits) and skips `report` tenants; users are created only with a
//      passwords folder (run_passwords.h), else their creates are blocked;
//   4. report: the drift the cycle found (from the plan) and the drift left after apply
//      (from the apply result: applied operations are no longer drift).
// A tenant whose mirror fails is stale: the planner blocks what a stale mirror cannot
// justify, the others go on. Tenants are mirrored and applied in parallel (up to
// `concurrency`), so a slow tenant holds up only itself until the cycle ends. A tenant
// whose interrupted operations cannot be settled yet is not planned after its drift is
// found (hold_back_unsettled(), as `apply` does): nothing is sent to it this cycle, the
// others are applied.
// Blocks its caller. No output: the caller reports what the result holds.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "model/desired_state.h"
#include "model/result.h"
#include "sync/apply/apply_result.h"
#include "sync/clock.h"
#include "sync/directory.h"
#include "sync/mirror/mirror.h"
#include "sync/plan/safety_limits.h"
#include "sync/report/drift.h"
#include "sync/store/cache.h"

namespace tenantsync {

struct CycleOptions {
  int concurrency = 4;  // tenants at once, mirror and apply
  SafetyLimits limits;
  const std::atomic<bool>* interrupt = nullptr;  // SIGTERM: finish in-flight work, send no more
  std::chrono::seconds request_timeout{30};      // remote.timeoutSeconds, for settling
  // Where the temporary passwords of created users go (config passwords.dir: one new file
  // per cycle that creates users). Empty: creates are planned blocked.
  std::string passwords_dir;
  bool use_grace_seats = false;  // safety.useGraceSeats
  std::optional<Shard> shard;    // this process's share of the tenants (--shard)
};

struct CycleResult {
  Clock::time_point started;
  double seconds = 0;
  MirrorResult mirror;
  int settled = 0;                     // journal entries of an interrupted apply settled first
  std::vector<std::string> unsettled;  // tenants left out of apply for that reason
  std::optional<Error> error;          // the cycle could not plan or apply at all
  std::optional<ApplyReport> apply;    // absent when nothing was ready or planning failed
  DriftReport found;                   // drift before apply (what the cycle found)
  DriftReport left;                    // drift after apply (what still differs)

  // Where the passwords of the users this cycle created are ("the temporary passwords of 2
  // created users are in F"), or why they could not be written; "" when nobody was created.
  std::string passwords;

  bool interrupted = false;
  // `apply`'s exit codes, from the cycle's outcome (sync/run/cycle_outcome.h).
  int exit_code() const;
};

CycleResult run_reconcile_cycle(Directory& directory, Cache& cache, Clock& clock,
                                const DesiredState& desired, const CycleOptions& options);

}  // namespace tenantsync
