// Safety limits of apply (config `safety`, flags --max-revocations / --max-deletions): a
// tenant whose plan would take away more access or delete more users than allowed in one
// apply is refused as a whole, so a mistaken desired-state file cannot strip a tenant in
// one go.
//
// Counted per tenant over the ready operations. Every loss of access counts against
// maxRevocations: `revoke` operations, and `update` operations that disable a plan the
// user has enabled today (Operation::newly_disabled_plans). `delete` operations, and
// `set` operations that block sign-in (accountEnabled false: all access goes, as with a
// deletion), count against maxDeletions.
// Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "model/plan.h"

namespace tenantsync {

struct SafetyLimits {
  std::optional<int> max_revocations;  // nullopt: no limit
  std::optional<int> max_deletions;    // nullopt: no limit
  // The command has --max-revocations / --max-deletions (apply); without them (run,
  // assign, revoke, users delete, users restore) the hint names the config key instead.
  bool flags = true;
};

struct SafetyCheck {
  int revocations = 0;              // ready revoke operations
  int updates_disabling_plans = 0;  // ready updates that disable a plan the user has enabled
  int deletions = 0;                // ready delete operations
  int sign_in_blocks = 0;           // ready sets with accountEnabled false
  bool revocations_exceeded = false;
  bool deletions_exceeded = false;
  // Empty when within the limits. What is over, e.g. "60 losses of access (52 revocations,
  // 8 updates that disable plans) > safety.maxRevocations 50", "12 revocations >
  // safety.maxRevocations 10" or "3 deletions and sign-in blocks (1 deletion, 2 sign-in
  // blocks) > safety.maxDeletions 2", both limits joined with ", "; and how to allow it:
  // "raise with --max-revocations 60" or, without flags, "raise safety.maxRevocations to
  // 60 in the config".
  std::string exceeded;
  std::string raise;
  // Why apply refuses: "<exceeded>; <raise>".
  std::string reason;

  int losses_of_access() const { return revocations + updates_disabling_plans; }
  int users_losing_sign_in() const { return deletions + sign_in_blocks; }
  bool refused() const { return revocations_exceeded || deletions_exceeded; }
  // The tenant's OverLimit; `ahead` (plan, drift) words it as "<exceeded>: apply will
  // refuse; <raise>", else (apply) as `reason`.
  OverLimit over_limit(bool ahead) const;
  // The reason each operation apply did not send carries: "not sent: the tenant is over
  // safety.maxRevocations" (the full reason is said once, for the tenant).
  std::string skipped_reason() const;
};

SafetyCheck check_safety_limits(const TenantPlan& tenant, const SafetyLimits& limits);

// Marks every enforce-mode tenant of `plan` that apply would refuse with its OverLimit
// (ahead of apply), and clears the mark of the others.
void mark_over_limits(Plan& plan, const SafetyLimits& limits);

}  // namespace tenantsync
