// What an apply did: the plan with each operation's outcome, the tenants a safety limit
// refused, local failures, and the exit code docs/cli.md gives it.
//
// The annotated plan keeps the plan's shape (to_json(Plan) is `apply --format json`):
// every operation that was ready is now `applied`, `failed` (error = the service's code
// and message verbatim) or `skipped` (reason says why); blocked ones stay `blocked`.
// A plain value, built by execute_plan() (executor.h) and read by the CLI and
// render_apply_text() (apply_text.h).
#pragma once

#include <string>
#include <vector>

#include "model/plan.h"
#include "model/result.h"

namespace tenantsync {

// A tenant apply left alone because its plan is over a safety limit (safety_limits.h).
struct TenantRefusal {
  std::string tenant;  // default domain
  std::string tenant_id;
  int revocations = 0;
  int deletions = 0;
  std::string reason;  // "12 revocations exceed the limit of 10 (safety.maxRevocations); ..."

  bool operator==(const TenantRefusal&) const = default;
};

struct ApplyReport {
  std::string plan_id;  // the journal's name for this apply
  Plan plan;            // annotated, as above
  std::vector<TenantRefusal> refusals;
  // Set when the whole plan was refused because the cache changed since it was computed
  // (ExecuteOptions::refuse_stale_plan): why. Nothing was sent.
  std::string stale;
  // Local failures during the run (journal or cache writes). Operations that were not sent
  // because of one are skipped with it as their reason.
  std::vector<Error> local_errors;
  int write_calls = 0;     // Directory::write calls
  int write_requests = 0;  // requests in them (one per user and phase)
  double seconds = 0;      // wall time of the run

  PlanSummary summary() const { return plan.summary(); }
  // True when no request reached the directory.
  bool nothing_sent() const { return write_requests == 0; }
  // docs/cli.md exit codes, see apply_exit_code().
  int exit_code() const;
};

// 1 when a local failure (journal, cache) happened, whatever was sent; 4 when the plan
// was stale, or a safety limit refused a tenant and nothing at all was sent; 3 when some
// operation failed, was blocked or skipped in a tenant in enforce mode, nothing could be
// planned for an enforce tenant (gone, never read whole, untrusted cache, unsettled
// journal entries) or only from a stale mirror, or a tenant was
// refused while others were changed (the output lists the refusal); 0 otherwise (all
// applied, or nothing to do). Report-mode tenants count for nothing: apply never
// changes them, so their skipped and blocked operations are expected.
int apply_exit_code(const ApplyReport& report);

}  // namespace tenantsync
