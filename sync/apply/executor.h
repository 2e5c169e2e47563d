// sync/apply/: step 3, the plan sent: executor, journal settling, license and password writes.
//
// The executor: carries out a plan against the remote directory (docs/architecture.md, data flow
// step 3 "Apply"), journalling every operation before it is sent and folding every
// result back into the cache, so the next plan starts from the truth.
//
// What it does, in order:
// 1. Operations of tenants in `report` mode become `skipped` ("tenant is in report mode").
//    With `refuse_stale_plan`, a plan whose fingerprint differs from the cache's is
//    refused whole. A tenant over a safety limit (safety_limits.h) is refused: nothing is
//    sent for it, the tenant's `over_limit` says why (counts, limit, how to raise it) and
//    each of its ready operations is `skipped` ("not sent: the tenant is over
//    safety.maxRevocations"). Other tenants' `over_limit` is cleared.
// 2. Every operation of the plan is appended to the journal in one transaction, with the
//    request body it will send (never a password): ready ones `pending`, blocked ones
//    `blocked`, skipped ones `skipped`. Nothing is sent if this fails.
// 3. Tenants run in parallel, up to `concurrency` at once. Within a tenant, in phases,
//    each phase's requests handed to Directory::write `chunk_size` at a time (the Graph
//    adapter batches them by 20 and paces them):
//      a. creates (CreateUser, with a temporary password from `passwords`) and restores
//         (RestoreUser: the user comes back with the licenses it held when deleted);
//      a2. sets of properties (UpdateUser, PATCH /users/{id}, the operation's `details`),
//         one per user: a user's license operations may need the usage location it sets,
//         so when a set carrying usageLocation fails they are `skipped` with its failure;
//      b. assignLicense calls that only remove licenses: they free seats;
//      c. assignLicense calls that remove and add (exclusive swaps), in rounds: a swap
//         whose new seat is not free yet waits for the swaps that free one (seats are
//         counted from the cache's SKUs and every result, restores included), then
//      d. those that only add or update: they take seats, freed ones included;
//    A call that takes a seat that is not free, of a SKU whose seat-freeing call (phase b
//    or c) failed in this run, is not sent: the service would refuse it. Its operations
//    are `blocked` with that failure as the reason;
//      e. admin role changes (AddRole / RemoveRole), one request each, after the
//         user's create; then
//      f. deletions, last.
//    A user's license operations are ONE assignLicense call (adds, updates and removes
//    together: atomic), sent once its create or restore succeeded, else `skipped` (its
//    set too).
//    Before each chunk its entries are marked `sending`; after it, its results are folded
//    into the cache (one transaction), then journalled (a crash between the two leaves
//    `sending` entries that crash resume confirms, never an applied operation the cache
//    does not show). A user's new state is computed from what the cache held plus the
//    call's adds and removes (assignLicense is atomic); licenses the service returned win.
//    A failed call fails every operation it carried, with the service's code and message.
// 4. After a tenant's writes, its SKUs are read again so the cache's seat counts are true.
//
// Threads: execute_plan() blocks its caller; it runs up to `concurrency` std::thread
// workers, each taking whole tenants. Directory and Cache are called from the workers
// (both are thread-safe). The progress and password callbacks are invoked from the
// workers, one call at a time. Hooks run on the worker of their tenant, unserialized.
// An exception thrown by a hook or the Directory (only tests do that: the port never
// throws) stops every worker before its next step, as a crash would, and is rethrown to
// the caller once all have stopped.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/plan.h"
#include "model/result.h"
#include "sync/apply/apply_result.h"
#include "sync/clock.h"
#include "sync/directory.h"
#include "sync/plan/safety_limits.h"
#include "sync/store/cache.h"

namespace tenantsync {

// The reason of an operation not sent because a stop was asked for (ExecuteOptions::interrupt).
inline constexpr const char* kStoppedBeforeSending = "not sent: interrupted";

enum class ApplyPhase { CreateRestore, SetProperties, FreeSeats, Swap, Assign, Roles, Delete };
const char* to_string(ApplyPhase phase);  // "create-restore", "free-seats", ...

struct ApplyProgress {
  std::string tenant;  // default domain
  int done = 0;        // operations of the tenant finished (applied, failed or skipped)
  int total = 0;       // operations of the tenant to carry out
};

// Test seams. Each may throw to simulate a crash at that point (see above).
struct ExecuteHooks {
  // Before a chunk's entries are marked sending.
  std::function<void(const std::string& tenant_id, ApplyPhase phase)> before_chunk;
  // Directory::write returned; nothing of its results is folded or journalled yet.
  std::function<void(const std::string& tenant_id, ApplyPhase phase)> after_write;
  // The results are folded into the cache; not journalled yet.
  std::function<void(const std::string& tenant_id, ApplyPhase phase)> after_fold;
};

// Temporary passwords for the users a plan creates. Without `generate`, creates are
// skipped ("not sent: creating users needs a file for their temporary passwords").
// `generate` is called just before the create is sent; `created` once the service created
// the user, before its outcome is journalled (a crash in between loses the password: crash
// resume then says to reset it). The password goes nowhere else: not the journal, the
// cache, a log or the report. Both are called from the workers, one call at a time.
struct TemporaryPasswords {
  std::function<std::string(const Operation& create)> generate;
  std::function<void(const std::string& upn, const std::string& password)> created;
};

// Requests handed to Directory::write at a time, between checks for a stop: one $batch
// (Graph takes 20 requests a $batch), so a stop waits for at most the one in flight.
inline constexpr int kChunkBetweenStopChecks = 20;

struct ExecuteOptions {
  std::string plan_id;  // journal name of this apply; "" = "apply-<UTC time>-<random>"
  SafetyLimits limits;
  int concurrency = 4;                       // tenants at once (at least 1)
  int chunk_size = kChunkBetweenStopChecks;  // requests per Directory::write call (>= 1)
  // Refuse the plan when its fingerprint differs from the cache's fingerprint over the
  // plan's tenants (a saved plan the mirror has moved past).
  bool refuse_stale_plan = false;
  TemporaryPasswords passwords;
  // Set from outside (Ctrl-C, SIGTERM): the chunk in flight is finished and journalled,
  // nothing more is sent, and every operation not sent is journalled `skipped` ("not
  // sent: interrupted"), so the journal is complete when execute_plan returns.
  // Handed to Directory::set_stop_signal for the run, so a throttle wait in the chunk in
  // flight ends promptly (that call fails with the service's last answer).
  const std::atomic<bool>* interrupt = nullptr;
  ExecuteHooks hooks;
  std::function<void(const ApplyProgress&)> progress;
};

// Carries out `plan`. Errors (as values) only when nothing was sent: the journal could
// not be written. Everything else, local failures during the run included, is in the
// report; its exit_code() is the CLI's. `clock` times the run and names the plan.
Result<ApplyReport> execute_plan(const Plan& plan, Directory& directory, Cache& cache, Clock& clock,
                                 const ExecuteOptions& options = {});

// The request body the journal keeps for an operation: {addLicenses, removeLicenses}
// for license operations, the new user's properties for create (no password), the PATCH
// body for set, the role assignment for AddRole / RemoveRole, {newUserPrincipalName} for a
// restore under a new name, {} for other restores and delete.
nlohmann::json journal_request_body(const Operation& op);

}  // namespace tenantsync
